"""Image file storage."""
