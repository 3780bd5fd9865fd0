"""Housekeeping: what the service no longer needs, removed on the beat schedule."""
