"""Image generation jobs: submit, run, retry, cancel, report."""
