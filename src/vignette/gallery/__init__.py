"""Images and jobs listed by book, chapter and description: paginated, filtered, counted."""
