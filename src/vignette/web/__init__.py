"""The web reader: its static files served at `/`, and the browser sessions it signs in with."""
