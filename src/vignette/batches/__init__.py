"""Chapter batches, image listings by book and chapter, and per-user statistics."""
