"""api stage (in progress)."""
