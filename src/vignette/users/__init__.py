"""Users and their API keys: the identity the API authenticates (no routes; below `api`)."""
