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
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from callcoach.errors import CallcoachError, InputError, NotFound
from callcoach.settings import Settings, get_settings

if TYPE_CHECKING:
    from callcoach.services.jobs import CallView

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Conversation-intelligence coaching for B2B sales calls.")
err = Console(stderr=True)
log = logging.getLogger("callcoach.cli")

def _plain_help_types() -> None:
    """Help that names what to type, not Python types: typer 0.29 prints every parameter's annotation
    ("--json <bool>", "files... <list[Path]>"); a flag takes no value and a list is its items."""
    from typer.core import TyperArgument, TyperOption

    def patched(original: Any) -> Any:
        def display_type_rich(self: Any, ctx: Any) -> str | None:
            if getattr(self, "is_flag", False):
                return None
            shown = original(self, ctx)
            if shown and shown.startswith("<list[") and "]>" in shown:
                return "<" + shown[len("<list["):shown.index("]>")].lower() + ">..."
            return shown

        return display_type_rich

    for cls in (TyperOption, TyperArgument):
        if not getattr(cls.display_type_rich, "_plain", False):
            cls.display_type_rich = patched(cls.display_type_rich)  # type: ignore[method-assign]
            cls.display_type_rich._plain = True  # type: ignore[attr-defined]


_plain_help_types()

Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Log debug details (and tracebacks).")]
MetaOption = Annotated[Path | None, typer.Option("--meta", help="Call metadata JSON (CONTRACT section 2).")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a report.")]
RedactedAudioOption = Annotated[Path | None, typer.Option(
    "--redacted-audio", help="Where a recording's copy with its PII silenced is written (.flac or .wav); "
                             "default DATA_DIR/redacted/<file name>.flac. Not written for transcripts "
                             "or with redaction off.")]
FullFlag = Annotated[bool, typer.Option("--full",
                                        help="Show the whole transcript, not its first utterances.")]


def _warn_unmatched_rep(analysis: dict[str, Any], source: Path | str) -> None:
    """One warning line when the call's rep (from --meta) names nobody who speaks in the call: the
    rep's talk ratio, questions and coaching would then be about nobody."""
    rep = analysis.get("rep")
    names = [str(s.get("name")) for s in analysis.get("speakers") or [] if isinstance(s, dict)]
    if not rep or not names or rep in names:
        return
    near = next((n for n in names if n.casefold() == str(rep).casefold()), None)
    hint = f"did you mean {near!r}?" if near else f"speakers are {', '.join(map(repr, names))}"
    sys.stderr.write(f"warning: {source}: rep {rep!r} matches no speaker in the call; {hint}\n")


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


def _default_redacted_audio(settings: Settings, file: Path) -> Path:
    return settings.data_dir / "redacted" / f"{file.stem}.flac"


@app.command()
def analyze(
    file: Annotated[Path, typer.Argument(help="A recording (wav, mp3, m4a, flac, ogg, mp4, webm) "
                                              "or a transcript (.json, .vtt, .srt).")],
    meta: MetaOption = None,
    as_json: JsonFlag = False,
    full: FullFlag = False,
    redacted_audio: RedactedAudioOption = None,
) -> None:
    """Analyze one call and print the analysis (readable report, or JSON with --json).

    A recording's copy with its PII silenced is written under the data directory (never beside
    the user's file), as the worker writes one for an upload."""
    from callcoach.cli.progress import stage_progress
    from callcoach.services.pipeline import analyze_path

    settings = get_settings()
    _quiet_model_loading()
    try:
        # Only a terminal gets the bar: piped or captured stderr keeps just the error line.
        with stage_progress(err, enabled=err.is_terminal) as progress:
            analysis = analyze_path(file, meta_path=meta, settings=settings, progress=progress,
                                    redacted_audio=redacted_audio or _default_redacted_audio(settings, file))
    except CallcoachError as exc:
        raise _fail(exc) from None
    except Exception as exc:  # noqa: BLE001 - see _unexpected
        raise _unexpected(file, exc) from None
    _warn_unmatched_rep(analysis, meta or file)
    if as_json:
        sys.stdout.write(json.dumps(analysis, ensure_ascii=False) + "\n")
    else:
        from callcoach.cli.report import render_report

        render_report(analysis, Console(), full=full)


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
        _warn_unmatched_rep(stored.analysis, meta or file)
        turns = len(stored.analysis.get("transcript") or [])
        sys.stdout.write(f"stored {stored.call_id}\t{turns} utterances\t{file}\n")
    if exit_code:
        raise typer.Exit(code=exit_code)


def _score(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _summary(call: CallView) -> dict[str, Any]:
    """One row of `callcoach calls`: the call as the library lists it, with scores once analysed."""
    from callcoach.analysis import Signals

    a = call.analysis or {}
    s = Signals.from_contract(a.get("signals"))
    coached = a.get("coaching") if isinstance(a.get("coaching"), dict) else {}
    return {"call_id": call.call_id, "status": call.status, "error": call.error,
            "title": a.get("title") or call.title, "rep": call.rep, "deal_id": call.deal_id,
            "started_at": call.started_at.isoformat() if call.started_at else None,
            "duration_s": a.get("duration_s", call.duration_s), "speakers": len(a.get("speakers") or []),
            "scores": {"discovery": _score(s.discovery and s.discovery.score),
                       "rep_talk_share": _score(s.talk_ratio and s.talk_ratio.rep),
                       "next_step_clarity": _score(s.next_step and s.next_step.clarity),
                       "buyer_sentiment_drift": _score(s.sentiment and s.sentiment.drift)},
            "prompts": len((coached or {}).get("prompts") or [])}


def _day(value: str | None, option: str) -> Any:
    """A --since/--until day (YYYY-MM-DD) as an aware datetime at UTC midnight."""
    from datetime import UTC, datetime

    if value is None:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC) if len(value) == 10 else \
            datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _fail(InputError(f"{option} {value!r}: expected a day as YYYY-MM-DD")) from None


def _fmt(value: float | None, pattern: str) -> str:
    return "" if value is None else pattern.format(value)


@app.command("calls")
def list_stored_calls(
    rep: Annotated[str | None, typer.Option("--rep", help="Only this rep's calls (exact name).")] = None,
    deal: Annotated[str | None, typer.Option("--deal", help="Only this deal's calls.")] = None,
    search: Annotated[str | None, typer.Option(
        "--search", "-s", help="Only calls whose id, title, rep or deal holds this text (any case).")] = None,
    since: Annotated[str | None, typer.Option("--since", metavar="YYYY-MM-DD",
                                              help="Only calls on or after this day.")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="YYYY-MM-DD",
                                              help="Only calls before this day.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Calls per page.")] = 50,
    page: Annotated[int, typer.Option("--page", min=1, help="Which page of --limit calls (1 = newest).")] = 1,
    offset: Annotated[int | None, typer.Option("--offset", min=0, help="Skip this many calls "
                                                                        "(instead of --page).")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", metavar="STATUS",
        help="Only calls in this status (queued, transcribing, analyzing, coaching, done, failed).")] = None,
    oldest_first: Annotated[bool, typer.Option("--oldest-first", help="Oldest call first.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """List the call library (the calls GET /v1/calls lists: queued, failed and done), newest call
    first (by the call's date; calls not analysed yet last), with their status and main scores."""
    from callcoach import storage
    from callcoach.cli.report import clock
    from callcoach.services.jobs import list_call_views
    from callcoach.storage.models import JOB_STATUSES

    settings = get_settings()
    skip = offset if offset is not None else (page - 1) * limit
    if status is not None and status not in JOB_STATUSES:
        raise _fail(InputError(f"--status {status!r}: expected one of {', '.join(JOB_STATUSES)}"))
    filters = {"rep": rep, "deal_id": deal, "since": _day(since, "--since"), "until": _day(until, "--until"),
               "search": search, "status": status}
    try:
        with storage.session_scope(settings) as session:
            calls, total = list_call_views(session, **filters, limit=limit, offset=skip,
                                           newest_first=not oldest_first, with_analysis=True)
            near: list[str] = []
            if total == 0 and rep:
                # "dana reyes" for "Dana Reyes": say which name the calls are stored under.
                named, _ = list_call_views(session, search=rep, limit=200)
                near = sorted({c.rep for c in named if c.rep and c.rep.casefold() == rep.casefold()})
    except CallcoachError as exc:
        raise _fail(exc) from None
    rows = [_summary(c) for c in calls]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    if near:
        sys.stderr.write(f"no calls for rep {rep!r}; calls are stored under {', '.join(map(repr, near))} "
                         "(--rep is exact; --search ignores case)\n")
    if not rows:
        Console().print(f"No stored calls match ({total} in all with these filters).", highlight=False)
        return
    shown = f"{skip + 1}-{skip + len(rows)}"
    order = "oldest first" if oldest_first else "newest first"
    more = f"; next: --page {skip // limit + 2}" if skip + len(rows) < total and offset is None else ""
    table = Table(title=f"calls {shown} of {total} ({order}{more})", title_justify="left", show_edge=False)
    for col in ("call_id", "status", "date", "rep", "deal", "length"):
        table.add_column(col, no_wrap=True)
    for col in ("discovery", "rep talk", "next step", "prompts"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("title", ratio=1)
    for r in rows:
        sc = r["scores"]
        table.add_row(r["call_id"], r["status"], (r["started_at"] or "")[:10], r["rep"] or "",
                      r["deal_id"] or "",
                      clock(r["duration_s"]), _fmt(sc["discovery"], "{:.0f}/100"),
                      _fmt(sc["rep_talk_share"], "{:.0%}"), _fmt(sc["next_step_clarity"], "{:.0f}/3"),
                      str(r["prompts"]), r["title"] or "")
    Console().print(table)


@app.command()
def show(
    call_id: Annotated[str, typer.Argument(help="The call_id of a stored call.")],
    as_json: JsonFlag = False,
    full: FullFlag = False,
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

        render_report(call.analysis, Console(), full=full)


# Command groups owned by other stages register themselves on `app` (keep this import last).
from callcoach.cli import coaching, ops  # noqa: E402,F401

if __name__ == "__main__":
    app()
