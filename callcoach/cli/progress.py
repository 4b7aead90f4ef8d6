"""A rich progress bar on stderr for long-running stages; stdout stays clean for --json."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from callcoach.services.pipeline import Progress as ProgressFn


@contextmanager
def stage_progress(console: Console, *, enabled: bool = True) -> Iterator[ProgressFn]:
    """Yields a `(stage, fraction)` callback that drives one bar per stage."""
    if not enabled:
        yield lambda stage, fraction: None
        return
    bars: dict[str, TaskID] = {}
    with Progress(TextColumn("{task.description:<12}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:

        def update(stage: str, fraction: float) -> None:
            if stage not in bars:
                bars[stage] = progress.add_task(stage, total=1.0)
            progress.update(bars[stage], completed=min(1.0, max(0.0, fraction)))

        yield update
