"""On PostgreSQL: the coaching tables migrate, and one open alert per subject and kind is enforced."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from callcoach.errors import StorageError
from callcoach.services import coaching as coaching_service
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope
from callcoach.storage.coaching_models import CoachingAlertRow

from .histories import declining_discovery_rep
from .test_webhooks_delivery import _store


@pytest.mark.services
def test_service_postgres_keeps_one_open_alert_per_subject_and_kind(postgres_url: str) -> None:
    settings = Settings(database_url=postgres_url, broker_url=None)
    try:
        _store(settings, declining_discovery_rep())
        first = coaching_service.refresh(settings, deliver=False)
        second = coaching_service.refresh(settings, deliver=False)
        assert len(first.opened) == 1 and second.opened == [] and second.updated == first.opened
        # The database itself refuses a second open alert for the same rep and kind...
        with pytest.raises((IntegrityError, StorageError)), session_scope(settings) as session:
            session.add(
                CoachingAlertRow(
                    kind="discovery_drift",
                    subject_type="rep",
                    subject="Dana Reyes",
                    severity="high",
                    status="open",
                    message="duplicate",
                )
            )
        # ...but keeps resolved ones as history beside the open one.
        with session_scope(settings) as session:
            session.add(
                CoachingAlertRow(
                    kind="discovery_drift",
                    subject_type="rep",
                    subject="Dana Reyes",
                    severity="high",
                    status="resolved",
                    message="an earlier slide",
                )
            )
        kinds = [(a["kind"], a["status"]) for a in coaching_service.list_alerts(settings, status=None)]
        assert sorted(kinds) == [("discovery_drift", "open"), ("discovery_drift", "resolved")]
    finally:
        dispose_engines()
