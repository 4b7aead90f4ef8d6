"""workers stage (in progress)."""
