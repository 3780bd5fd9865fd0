"""The `vignette` command line."""
