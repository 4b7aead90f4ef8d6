"""pipeline.ingest_path: validate, analyze, then store in one transaction; re-ingest replaces;
any failure before or during the analysis stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcoach import storage
from callcoach.errors import InputError, MalformedTranscript, ModelUnavailable
from callcoach.services.pipeline import ingest_path
from callcoach.settings import Settings

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data" / "transcripts"


def _stored(settings: Settings) -> list[str]:
    with storage.session_scope(settings) as session:
        return [c.call_id for c in storage.list_calls(session)]


def test_pipeline_ingest_bad_file_stores_nothing(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "cut_off.json"
    bad.write_text('{"call_id": "cut-off", "utterances": [{"speaker": "Ana", "start": 0')
    with pytest.raises(MalformedTranscript, match="cut_off.json"):
        ingest_path(bad, settings=settings)
    with pytest.raises(InputError, match="not found"):
        ingest_path(tmp_path / "missing.vtt", settings=settings)
    assert _stored(settings) == []


@pytest.mark.slow
def test_pipeline_ingest_failed_analysis_stores_nothing(tmp_path: Path) -> None:
    # A valid call whose analysis fails part-way (a configured model that is not installed).
    broken = Settings(data_dir=tmp_path / "data", database_url="", broker_url=None,
                      spacy_model=str(tmp_path / "no-such-spacy-model"))
    with pytest.raises(ModelUnavailable):
        ingest_path(TRANSCRIPTS / "harbor_discovery.json", settings=broken)
    assert _stored(broken) == []


@pytest.mark.slow
def test_pipeline_ingest_stores_and_reingest_replaces(db_settings: Settings) -> None:
    first = ingest_path(TRANSCRIPTS / "harbor_discovery.json", settings=db_settings)
    assert first.call_id == "harbor-disco-01"
    assert first.analysis["call_id"] == "harbor-disco-01" and len(first.analysis["transcript"]) == 12
    ingest_path(TRANSCRIPTS / "harbor_followup.json", settings=db_settings)
    again = ingest_path(TRANSCRIPTS / "harbor_discovery.json", settings=db_settings)
    assert again.analysis["transcript"] == first.analysis["transcript"]
    assert _stored(db_settings) == ["harbor-disco-01", "harbor-followup-02"]
    with storage.session_scope(db_settings) as session:
        transcript = storage.get_transcript(session, "harbor-followup-02")
    assert transcript is not None and [u.speaker for u in transcript.utterances][:2] == ["Marcus Lee",
                                                                                        "Dev Patel"]
