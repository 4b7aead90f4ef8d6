"""coaching stage (in progress)."""
