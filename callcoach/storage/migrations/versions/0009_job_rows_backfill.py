"""Every stored call has a job row: the one call library lists calls from the jobs table.

Calls stored by `callcoach ingest` before it wrote job rows (its 0.x versions) had none, so
`callcoach calls` and `GET /v1/calls` (which now list from the same query) would no longer show
them. Each such call gets a `done` job row dated like the call; its input path is unknown (None),
so such a call has no recording to play, as before.

Revision ID: 0009_job_rows_backfill
Revises: 0008_team_indexes
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009_job_rows_backfill"
down_revision: str | Sequence[str] | None = "0008_team_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One INSERT ... SELECT: no rows travel through Python, whatever the library's size.
    op.execute(
        "INSERT INTO jobs (call_id, status, error, attempts, input_path, created_at, updated_at) "
        "SELECT c.call_id, 'done', NULL, 0, NULL, c.created_at, c.created_at FROM calls c "
        "WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.call_id = c.call_id)"
    )


def downgrade() -> None:
    # The rows added here cannot be told from later `done` rows without a path; leaving them is
    # harmless to the older schema, which has the same jobs table.
    pass
