"""CLI commands for operations: worker, serve, keys (registered on callcoach.cli.app)."""
