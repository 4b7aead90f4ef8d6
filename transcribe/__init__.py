"""transcribe stage (in progress)."""
