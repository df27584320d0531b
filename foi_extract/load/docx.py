"""Placeholder: filled in by the loaders work."""
