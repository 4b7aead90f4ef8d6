"""The `callcoach` command line (Typer). A thin edge: parse, call the pipeline, print.

Errors a user can fix (bad input) exit 2 with one line on stderr naming the file and the problem.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from callcoach.errors import CallcoachError, InputError
from callcoach.settings import get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Conversation-intelligence coaching for B2B sales calls.")
err = Console(stderr=True)


def _fail(exc: CallcoachError) -> typer.Exit:
    # One line on stderr, no traceback: the message names the file and the problem.
    line = str(exc).replace("\n", " ")
    sys.stderr.write(f"error: {line}\n")
    return typer.Exit(code=2 if isinstance(exc, InputError) else 1)


@app.callback()
def _main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug details.")] = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@app.command()
def analyze(
    file: Annotated[Path, typer.Argument(help="A recording (wav, mp3, m4a, flac, ogg, mp4, webm) "
                                              "or a transcript (.json, .vtt, .srt).")],
    meta: Annotated[Path | None, typer.Option("--meta", help="Call metadata JSON (CONTRACT section 2).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the analysis as JSON on stdout.")] = False,
) -> None:
    """Analyze one call and print the analysis (readable report, or JSON with --json)."""
    from callcoach.pipeline import analyze_path
    from callcoach.progress import stage_progress

    settings = get_settings()
    try:
        with stage_progress(err, enabled=not as_json or err.is_terminal) as progress:
            analysis = analyze_path(file, meta_path=meta, settings=settings, progress=progress)
    except CallcoachError as exc:
        raise _fail(exc) from None
    if as_json:
        sys.stdout.write(json.dumps(analysis, ensure_ascii=False) + "\n")
    else:
        from callcoach.report import render_report

        render_report(analysis, Console())


# Command groups owned by other stages register themselves on `app` (keep this import last).
from callcoach import cli_coaching, cli_ops  # noqa: E402,F401

if __name__ == "__main__":
    app()
