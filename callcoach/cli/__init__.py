"""The `callcoach` command line (Typer). A thin edge: parse, call the pipeline, print.

Commands here: analyze, ingest, calls, show (coaching and ops commands register themselves from
cli_coaching / cli_ops). Every failure is one line on stderr, never a traceback (``-v`` logs it):
bad input exits 2 naming the file and the problem; other callcoach errors (database, model,
unknown call) and unforeseen library errors on a file exit 1.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from callcoach.domain import StoredCall
from callcoach.errors import CallcoachError, InputError, NotFound
from callcoach.settings import get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Conversation-intelligence coaching for B2B sales calls.")
err = Console(stderr=True)
log = logging.getLogger("callcoach.cli")

Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log debug details (and tracebacks).")]
MetaOption = Annotated[Path | None, typer.Option("--meta", help="Call metadata JSON (CONTRACT section 2).")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a report.")]


def _fail(exc: CallcoachError) -> typer.Exit:
    # One line on stderr, no traceback: the message names the file and the problem.
    line = str(exc).replace("\n", " ")
    sys.stderr.write(f"error: {line}\n")
    return typer.Exit(code=2 if isinstance(exc, InputError) else 1)


@app.callback()
def _main(verbose: Verbose = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # Libraries' warnings (deprecations, decoder notes) would break "one line on stderr" for a bad
    # file; they are logged, and shown only with --verbose.
    logging.captureWarnings(True)
    if not verbose:
        logging.getLogger("py.warnings").setLevel(logging.ERROR)


def _unexpected(path: Path | str, exc: Exception) -> typer.Exit:
    # A library failing on a bad file (a decoder, a parser) must still end in one line, not a
    # traceback; --verbose logs the traceback for a bug report.
    log.debug("unexpected error on %s", path, exc_info=exc)
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    sys.stderr.write(f"error: {path}: unexpected {type(exc).__name__}{': ' + reason if reason else ''}\n")
    return typer.Exit(code=1)


def _quiet_model_loading() -> None:
    # transformers draws a "Loading weights" bar on stderr for every model load: noise next to our
    # own progress bar and the one-line errors. It honours huggingface_hub's switch.
    try:
        from huggingface_hub.utils import disable_progress_bars
    except ImportError:
        return
    disable_progress_bars()


@app.command()
def analyze(
    file: Annotated[Path, typer.Argument(help="A recording (wav, mp3, m4a, flac, ogg, mp4, webm) "
                                              "or a transcript (.json, .vtt, .srt).")],
    meta: MetaOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Analyze one call and print the analysis (readable report, or JSON with --json)."""
    from callcoach.cli.progress import stage_progress
    from callcoach.services.pipeline import analyze_path

    settings = get_settings()
    _quiet_model_loading()
    try:
        # Only a terminal gets the bar: piped or captured stderr keeps just the error line.
        with stage_progress(err, enabled=err.is_terminal) as progress:
            analysis = analyze_path(file, meta_path=meta, settings=settings, progress=progress)
    except CallcoachError as exc:
        raise _fail(exc) from None
    except Exception as exc:  # noqa: BLE001 - see _unexpected
        raise _unexpected(file, exc) from None
    if as_json:
        sys.stdout.write(json.dumps(analysis, ensure_ascii=False) + "\n")
    else:
        from callcoach.cli.report import render_report

        render_report(analysis, Console())


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Recordings or transcripts to analyze and store.")],
    meta: MetaOption = None,
) -> None:
    """Analyze calls and store them; re-ingesting a call replaces it.

    Good files are stored even when others fail (one error line each, non-zero exit)."""
    from callcoach.cli.progress import stage_progress
    from callcoach.services.pipeline import ingest_path

    settings = get_settings()
    _quiet_model_loading()
    call_meta = None
    if meta is not None:
        import ingest as ingest_stage

        try:
            call_meta = ingest_stage.read_meta(meta)
        except CallcoachError as exc:
            raise _fail(exc) from None
        if call_meta.call_id and len(files) > 1:
            raise _fail(InputError(f"sets call_id {call_meta.call_id!r} for {len(files)} files, which would "
                                   "replace each other; give one file, or drop call_id", path=meta))
    exit_code = 0
    for file in files:
        try:
            with stage_progress(err, enabled=err.is_terminal) as progress:
                stored = ingest_path(file, meta=call_meta, settings=settings, progress=progress)
        except CallcoachError as exc:
            exit_code = max(exit_code, _fail(exc).exit_code)
            continue
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            exit_code = max(exit_code, _unexpected(file, exc).exit_code)
            continue
        turns = len(stored.analysis.get("transcript") or [])
        sys.stdout.write(f"stored {stored.call_id}\t{turns} utterances\t{file}\n")
    if exit_code:
        raise typer.Exit(code=exit_code)


def _summary(call: StoredCall) -> dict[str, Any]:
    a = call.analysis
    return {"call_id": call.call_id, "title": a.get("title"), "rep": call.rep, "deal_id": call.deal_id,
            "started_at": call.started_at.isoformat() if call.started_at else None,
            "duration_s": a.get("duration_s"), "speakers": len(a.get("speakers") or [])}


@app.command("calls")
def list_stored_calls(
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's calls.")] = None,
    deal: Annotated[str | None, typer.Option("--deal", help="Only this deal's calls.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many calls.")] = 50,
    as_json: JsonFlag = False,
) -> None:
    """List stored calls, oldest first."""
    from callcoach import storage
    from callcoach.cli.report import clock

    settings = get_settings()
    try:
        with storage.session_scope(settings) as session:
            calls = storage.list_calls(session, rep=rep, deal_id=deal, limit=limit)
            total = storage.count_calls(session, rep=rep, deal_id=deal)
    except CallcoachError as exc:
        raise _fail(exc) from None
    rows = [_summary(c) for c in calls]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(rows)} of {total} stored calls", title_justify="left", show_edge=False)
    for col in ("call_id", "date", "rep", "deal", "length"):
        table.add_column(col, no_wrap=True)
    table.add_column("title", ratio=1)
    for r in rows:
        table.add_row(r["call_id"], (r["started_at"] or "")[:10], r["rep"] or "", r["deal_id"] or "",
                      clock(r["duration_s"]), r["title"] or "")
    Console().print(table)


@app.command()
def show(
    call_id: Annotated[str, typer.Argument(help="The call_id of a stored call.")],
    as_json: JsonFlag = False,
) -> None:
    """Show a stored call's analysis (readable report, or JSON with --json)."""
    from callcoach import storage

    settings = get_settings()
    try:
        with storage.session_scope(settings) as session:
            call = storage.get_call(session, call_id)
        if call is None:
            raise NotFound(f"call {call_id!r} is not stored (see `callcoach calls`)")
    except CallcoachError as exc:
        raise _fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(call.analysis, ensure_ascii=False) + "\n")
    else:
        from callcoach.cli.report import render_report

        render_report(call.analysis, Console())


# Command groups owned by other stages register themselves on `app` (keep this import last).
from callcoach.cli import coaching, ops  # noqa: E402,F401

if __name__ == "__main__":
    app()
