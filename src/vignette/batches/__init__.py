"""Chapter batches: illustrate a chapter's best passages in the background."""
