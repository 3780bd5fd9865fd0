"""What a user has and has used: books, descriptions, images, provider calls."""
