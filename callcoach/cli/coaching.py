"""CLI commands for coaching: coach, alerts, roleplays, outcomes (registered on callcoach.cli.app).

Thin: parse options, call `callcoach.services.coaching`, print JSON (--json) or a readable view.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from callcoach.cli import _fail, app
from callcoach.errors import CallcoachError
from callcoach.settings import get_settings

RosterOpt = Annotated[
    Path | None,
    typer.Option(
        "--roster", help="Rep roster (CSV or YAML: rep, team, manager, band, tenure_months, segment)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def _roster(path: Path | None) -> Any:
    if path is None:
        return None
    from coaching.roster import load_roster

    return load_roster(path)


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def _print_prompt(out: Console, i: int, p: dict[str, Any]) -> None:
    from coaching.types import clock

    out.print(f"[bold]{i}. {p.get('behavior') or p['signal']}[/bold]  (priority {p.get('priority')})")
    out.print(f"   {p['message']}", highlight=False)
    for e in p.get("evidence") or []:
        out.print(
            f'   > {e.get("speaker")} at {clock(float(e.get("start", 0)))}: "{e.get("text")}"',
            highlight=False,
        )
    out.print(f"   [italic]Practice:[/italic] {p['practice']}", highlight=False)
    if p.get("next_call_line"):
        out.print(f"   [italic]Next call:[/italic] {p['next_call_line']}", highlight=False)
    out.print()


@app.command()
def coach(
    rep: Annotated[str, typer.Argument(help="The rep's name as it appears on their calls.")],
    as_json: JsonOpt = False,
    roster: RosterOpt = None,
) -> None:
    """A rep's current coaching plan: prompts for the latest call, recurring focus, alerts, outcomes."""
    from callcoach.services.coaching import catch_up, coach_plan

    try:
        settings = get_settings()
        # Calls stored by a door that ran no coach stage (ingest) join the aggregates first.
        plan = coach_plan(settings, rep, roster=_roster(roster), report=catch_up(settings))
    except CallcoachError as exc:
        raise _fail(exc) from None
    if as_json:
        _print_json(plan)
        return
    out = Console()
    lc = plan["latest_call"]
    out.print(
        f"[bold]Coaching plan for {rep}[/bold]: {plan['calls']} call(s); latest {lc['call_id']} "
        f"({lc.get('title') or ''})",
        highlight=False,
    )
    out.print()
    if not plan["prompts"]:
        out.print("No practice prompts on the latest call: nothing in the playbook fired.")
    for i, p in enumerate(plan["prompts"], start=1):
        _print_prompt(out, i, p)
    if plan["recurring_focus"]:
        out.print(
            "[bold]Recurring focus[/bold] (prompts over recent calls): "
            + ", ".join(f"{f['behavior']} x{f['calls']}" for f in plan["recurring_focus"]),
            highlight=False,
        )
    for a in plan["alerts"]:
        out.print(f"[bold]Open alert[/bold] [{a['severity']}] {a['kind']}: {a['message']}", highlight=False)


@app.command()
def alerts(
    as_json: JsonOpt = False,
    roster: RosterOpt = None,
    all_: Annotated[bool, typer.Option("--all", help="Include resolved alerts.")] = False,
    resolve: Annotated[int | None, typer.Option("--resolve", help="Resolve the alert with this id.")] = None,
    no_deliver: Annotated[bool, typer.Option("--no-deliver", help="Do not POST to webhooks.")] = False,
) -> None:
    """Manager alerts (rep drift, deal risks): recomputed from stored calls, deduplicated, delivered."""
    from callcoach.services.coaching import list_alerts, refresh, resolve_alert

    settings = get_settings()
    try:
        if resolve is not None:
            done = resolve_alert(settings, resolve)
            _print_json(done) if as_json else Console().print(f"alert {resolve} resolved", highlight=False)
            return
        report = refresh(settings, deliver=not no_deliver)
        rows = list_alerts(settings, status=None if all_ else "open", roster=_roster(roster))
    except CallcoachError as exc:
        raise _fail(exc) from None
    if as_json:
        _print_json(
            {
                "alerts": rows,
                "refresh": {
                    "opened": report.opened,
                    "resolved": report.resolved,
                    "delivered": report.delivered,
                    "failed_deliveries": report.failed_deliveries,
                },
            }
        )
        return
    from coaching.types import clock

    out = Console()
    if not rows:
        out.print("No open alerts.")
    for a in rows:
        calls = ", ".join(w["call_id"] for w in a["window"])
        out.print(
            f"[bold]#{a['id']} [{a['severity']}] {a['kind']}[/bold] {a['subject_type']} {a['subject']}"
            f" ({a['status']})",
            highlight=False,
        )
        out.print(f"   {a['message']}", highlight=False)
        out.print(f"   calls: {calls}", highlight=False)
        for e in a["evidence"][:3]:
            out.print(
                f"   > {e.get('speaker')} ({e.get('call_id')}"
                f"{', ' + str(e['call_date']) if e.get('call_date') else ''}"
                f" at {clock(float(e.get('start', 0)))}): "
                f'"{e.get("text")}"',
                highlight=False,
            )
        out.print()


@app.command()
def roleplays(
    as_json: JsonOpt = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown handout.")] = False,
    roster: RosterOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Scenarios per page, biggest first.")] = 12,
    page: Annotated[int, typer.Option("--page", min=1, help="Which page of --limit scenarios.")] = 1,
    offset: Annotated[int | None, typer.Option("--offset", min=0, help="Scenarios to skip "
                                                                        "(instead of --page).")] = None,
) -> None:
    """Role-play scenarios clustered from buyer objections and pains across stored calls
    (Markdown by default; with --roster each context names the rep's team and segment), one page at
    a time, biggest first; the handout says how many scenarios are on other pages."""
    from callcoach.errors import InputError
    from callcoach.services.coaching import catch_up, roleplay_page
    from coaching.roleplay import roleplays_markdown

    skip = offset if offset is not None else (page - 1) * limit
    try:
        if as_json and markdown:
            raise InputError("--json and --markdown exclude each other: pick one")
        settings = get_settings()
        catch_up(settings)
        scenarios, total = roleplay_page(settings, roster=_roster(roster), limit=limit, offset=skip)
    except CallcoachError as exc:
        raise _fail(exc) from None
    if as_json:
        _print_json({"total": total, "offset": skip, "scenarios": scenarios,
                     "omitted": max(0, total - len(scenarios))})
    else:
        sys.stdout.write(roleplays_markdown(scenarios, total=total, offset=skip) + "\n")


@app.command()
def outcomes(as_json: JsonOpt = False, roster: RosterOpt = None) -> None:
    """Did coaching work? Before/after effect of every prompt, per rep, team and cohort."""
    from callcoach.services.coaching import outcomes as track

    try:
        result = track(get_settings(), roster=_roster(roster))
    except CallcoachError as exc:
        raise _fail(exc) from None
    if as_json:
        _print_json(result)
        return
    out = Console()
    o = result["overall"]
    out.print(f"[bold]Outcomes[/bold]: {_buckets(o)}; mean effect {o['mean_effect']}.", highlight=False)
    out.print(f"[dim]Effect size: {result['effect_size']}. {result['method']}.[/dim]", highlight=False)
    for title, groups in [
        ("Per rep", result["per_rep"]),
        ("Per team", result["per_team"]),
        *[(f"By {k}", v) for k, v in result["cohorts"].items()],
    ]:
        if not groups:
            continue
        out.print(f"\n[bold]{title}[/bold]")
        for name, by_metric in groups.items():
            a = by_metric["all"]
            out.print(
                f"  {name}: {_buckets(a)}; mean effect {a['mean_effect']}; "
                f"{a['calls_after']} later call(s) compared",
                highlight=False,
            )


# Words for each outcome bucket; every prompt is in exactly one, so the parts add up.
_BUCKET_WORDS = (
    ("improved", "improved"),
    ("worsened", "worsened"),
    ("no_clear_change", "no clear change"),
    ("too_early", "too early (under 2 later calls)"),
    ("no_data", "not measurable (metric missing on the call)"),
)


def _buckets(summary: dict[str, Any]) -> str:
    parts = [f"{summary[k]} {words}" for k, words in _BUCKET_WORDS if summary.get(k)]
    return f"{summary['prompts']} prompt(s): " + (" + ".join(parts) if parts else "none yet")
