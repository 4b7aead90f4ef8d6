"""The one pipeline behind every door (CLI, HTTP, worker): input file -> transcript -> analysis.

Stages are called through their package facades; this module holds no stage logic.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from callcoach.analysis import build_analysis
from callcoach.domain import AudioInput, CallMeta, StoredCall, Transcript
from callcoach.settings import Settings, get_settings

log = logging.getLogger("callcoach.services.pipeline")

# Progress callback: (stage, fraction done 0..1)
Progress = Callable[[str, float], None]


def load_transcript(path: Path, *, meta_path: Path | None = None, meta: CallMeta | None = None,
                    settings: Settings | None = None, progress: Progress | None = None) -> Transcript:
    """Read `path` (recording or transcript) into a speaker-attributed transcript with sides."""
    import ingest
    import redact

    settings = settings or get_settings()
    if meta is None and meta_path is not None:
        meta = ingest.read_meta(meta_path)
    source = ingest.read_input(path, meta=meta, settings=settings)
    # The transcriber (faster-whisper, the diarization encoder) is imported only for a recording or
    # a transcript without sides: a transcript with sides is analysed without it.
    if isinstance(source, AudioInput):
        import transcribe

        transcript = transcribe.transcribe_call(
            source, meta or CallMeta(call_id=Path(path).stem), settings=settings,
            progress=(lambda f: progress("transcribe", f)) if progress else None)
    else:
        transcript = source
    if any(u.side == "unknown" for u in transcript.utterances):
        import transcribe

        transcript = transcribe.assign_sides(transcript)
    # PII redaction (issue 12) here, the one place every door loads a call, before anything is
    # stored, analyzed, logged or printed. Sides are assigned first: their cues read the words.
    return redact.redact_transcript(transcript, redact.RedactionOptions.from_settings(settings))


def analyze_transcript(transcript: Transcript, *, history: Sequence[StoredCall] = (),
                       settings: Settings | None = None) -> dict[str, Any]:
    """Signals and per-call coaching for a transcript, as the CONTRACT analysis object."""
    import coaching
    import signals

    settings = settings or get_settings()
    sig = signals.extract(transcript, history=history, settings=settings)
    return build_analysis(transcript, sig, coaching.coach_call(transcript, sig, history=history,
                                                               settings=settings)).to_contract()


def write_redacted_recording(settings: Settings, src: Path, transcript: Transcript, dst: Path) -> Path | None:
    """Write `dst`: the recording `src` with every span `transcript` (already redacted) replaced by a
    placeholder silenced (issue 12). None, nothing written, for a transcript file or with redaction off.
    The worker's transcribe stage and `callcoach analyze` both write their playback copy here."""
    if transcript.source != "audio" or not settings.redact_enabled:
        return None
    import redact

    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    written = redact.redact_recording(Path(src), Path(dst), transcript)
    log.info("call %s: redacted recording written to %s", transcript.meta.call_id, written)
    return written


def analyze_path(path: Path, *, meta_path: Path | None = None, settings: Settings | None = None,
                 progress: Progress | None = None, history: Sequence[StoredCall] = (),
                 redacted_audio: Path | None = None) -> dict[str, Any]:
    """Analyze a recording or transcript; with `redacted_audio`, a recording's PII-silenced copy is
    written there too (see write_redacted_recording)."""
    settings = settings or get_settings()
    transcript = load_transcript(path, meta_path=meta_path, settings=settings, progress=progress)
    if redacted_audio is not None:
        write_redacted_recording(settings, path, transcript, redacted_audio)
    return analyze_transcript(transcript, history=history, settings=settings)


def ingest_path(path: Path, *, meta_path: Path | None = None, meta: CallMeta | None = None,
                settings: Settings | None = None, progress: Progress | None = None) -> StoredCall:
    """Analyze a recording or transcript and store it in the one call library; returns the call.

    Everything that can fail on bad input (reading, validating, transcribing, analyzing) runs
    before the first write; the write (call, participants, utterances, analysis, its job row and
    owner) is one transaction, so a failure leaves nothing half-written. Re-ingesting a call_id
    replaces it. The call then goes through the same coach stage as a call submitted over HTTP
    (``jobs.run_stage``), so both doors store the same analysis and coaching."""
    from callcoach import storage
    from callcoach.services import access, jobs

    settings = settings or get_settings()
    transcript = load_transcript(path, meta_path=meta_path, meta=meta, settings=settings, progress=progress)
    # History is read in its own short transaction: no transaction stays open while models run.
    with storage.session_scope(settings) as session:
        history = [c for c in storage.history_for(session, transcript.meta) if c.analysis]
    analysis = analyze_transcript(transcript, history=history, settings=settings)
    with storage.session_scope(settings) as session:
        m = transcript.meta
        team = m.extra.get("team") if isinstance(m.extra.get("team"), str) else None
        # The CLI is the operator's door: it is trusted like an admin key (access.decide_owner).
        owner = access.decide_owner(session, None, rep=m.rep, team=team, deal_id=m.deal_id)
        call_id = storage.save_call(session, transcript, analysis)
        storage.upsert_job(session, call_id, status="coaching", input_path=str(Path(path).resolve()))
        access.record_call_scope(session, call_id=call_id, owner=owner, deal_id=m.deal_id)
    # The call page plays only a silenced copy (services.recordings), never the user's original.
    from callcoach.services.recordings import playback_copy

    write_redacted_recording(settings, path, transcript, playback_copy(settings, call_id))
    result = jobs.run_stage(settings, "coach", call_id)
    if result.outcome != "done":
        log.warning("call %s stored; its coach stage: %s (%s)", call_id, result.outcome, result.reason)
    elif result.deliver_alerts:
        _deliver_alerts(settings, call_id)
    with storage.session_scope(settings) as session:
        stored = storage.get_call(session, call_id)
    if stored is None:  # cannot happen: written above
        raise RuntimeError(f"call {call_id!r} vanished right after it was stored")
    log.info("stored call %s (%d utterances)", call_id, len(transcript.utterances))
    return stored


def _deliver_alerts(settings: Settings, call_id: str) -> None:
    # The CLI has no delivery queue: it POSTs here, after the call is stored; a webhook endpoint
    # that is down is logged (the next delivery run retries it), and does not fail the ingest.
    from callcoach.services import coaching as coaching_service

    try:
        coaching_service.deliver_alerts(settings)
    except Exception:  # noqa: BLE001 - the call is stored either way
        log.exception("call %s: alert delivery failed", call_id)
