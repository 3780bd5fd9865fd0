"""Books, chapters and descriptions."""
