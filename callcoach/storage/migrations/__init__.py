"""Alembic migrations of the callcoach database (packaged so that installed copies can migrate)."""
