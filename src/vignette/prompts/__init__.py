"""Prompt building (pure)."""
