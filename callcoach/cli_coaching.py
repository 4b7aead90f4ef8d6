"""CLI commands for coaching: coach, alerts, roleplays, outcomes (registered on callcoach.cli.app)."""
