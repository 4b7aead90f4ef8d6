"""/roleplays: the scenario library from buyer objections and pains, filtered and paged; its
Markdown export and printable page; assigning a scenario to a rep."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from callcoach.services import access, practice
from callcoach.services import coaching as coaching_service
from callcoach.services.coaching_stage import roster_from_teams
from coaching.roleplay import roleplays_markdown
from web.auth import DbDep, FormViewerDep, SettingsDep, Viewer, ViewerDep, require
from web.render import page

router = APIRouter()

# Scenarios per page.
PAGE_SIZE = 10


@dataclass(frozen=True, slots=True)
class Filters:
    category: str = ""
    segment: str = ""
    persona: str = ""
    team: str = ""

    def keep(self, sc: dict[str, Any]) -> bool:
        ctx = sc.get("context") or []
        return (
            (not self.category or sc.get("category") == self.category)
            and (not self.persona or (sc.get("persona") or {}).get("title") == self.persona)
            and (not self.segment or any(c.get("segment") == self.segment for c in ctx))
            and (not self.team or any(c.get("team") == self.team for c in ctx))
        )

    def query(self) -> dict[str, str]:
        return {
            k: v
            for k, v in (
                ("category", self.category),
                ("segment", self.segment),
                ("persona", self.persona),
                ("team", self.team),
            )
            if v
        }


def _filters(
    category: Annotated[str, Query(max_length=64)] = "",
    segment: Annotated[str, Query(max_length=200)] = "",
    persona: Annotated[str, Query(max_length=200)] = "",
    team: Annotated[str, Query(max_length=200)] = "",
) -> Filters:
    return Filters(category, segment, persona, team)


FiltersDep = Annotated[Filters, Depends(_filters)]


def _library(db: DbDep, settings: SettingsDep, viewer: Viewer) -> list[dict[str, Any]]:
    """The scenarios `viewer` may read: the same scope and service as GET /v1/roleplays."""
    scope = access.read_scope(
        db, viewer.key, enablement_identified=settings.roleplays_identified_for_enablement
    )
    roster = roster_from_teams(db)
    db.commit()  # the coaching service opens its own transactions
    return coaching_service.roleplays(
        settings, roster=roster, call_ids=scope.call_ids, deidentify=scope.deidentify
    )


def _options(scenarios: list[dict[str, Any]]) -> dict[str, list[str]]:
    def values(get: Any) -> list[str]:
        return sorted({v for sc in scenarios for v in get(sc) if v})

    return {
        "category": values(lambda sc: [sc.get("category")]),
        "persona": values(lambda sc: [(sc.get("persona") or {}).get("title")]),
        "segment": values(lambda sc: [c.get("segment") for c in sc.get("context") or []]),
        "team": values(lambda sc: [c.get("team") for c in sc.get("context") or []]),
    }


@router.get("/roleplays")
def roleplays_page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    filters: FiltersDep,
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
    assigned: str | None = None,
) -> Response:
    library = _library(db, settings, viewer)
    chosen = [sc for sc in library if filters.keep(sc)]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    shown = chosen[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    may_assign = viewer.role in ("manager", "enablement", "admin")
    reps = _assignable(db, viewer) if may_assign else []
    query = filters.query()

    def link(path: str, **extra: Any) -> str:
        params = {**query, **{k: v for k, v in extra.items() if v}}
        return path + ("?" + urlencode(params) if params else "")

    return page(
        request,
        "roleplays.html",
        {
            "viewer": viewer,
            "scenarios": shown,
            "total": len(chosen),
            "library_size": len(library),
            "filters": filters,
            "options": _options(library),
            "page_no": page_no,
            "pages": pages,
            "prev_link": link("/roleplays", page=page_no - 1) if page_no > 1 else None,
            "next_link": link("/roleplays", page=page_no + 1) if page_no < pages else None,
            "markdown_link": link("/roleplays.md"),
            "print_link": link("/roleplays/print"),
            "reps": reps,
            "may_assign": may_assign,
            "assigned": assigned,
            "query_json": json.dumps(query),
        },
    )


def _assignable(db: DbDep, viewer: Viewer) -> list[str]:
    from callcoach.services.call_metrics import teams

    if viewer.role == "manager" and viewer.key.team:
        return access.reps_in_team(db, viewer.key.team)
    return sorted({r for t in teams(db) for r in access.reps_in_team(db, t)})


@router.get("/roleplays.md")
def roleplays_markdown_export(
    db: DbDep, settings: SettingsDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    chosen = [sc for sc in _library(db, settings, viewer) if filters.keep(sc)]
    return PlainTextResponse(
        roleplays_markdown(chosen),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="roleplays.md"'},
    )


@router.get("/roleplays/print")
def roleplays_print(
    request: Request, db: DbDep, settings: SettingsDep, viewer: ViewerDep, filters: FiltersDep
) -> Response:
    chosen = [sc for sc in _library(db, settings, viewer) if filters.keep(sc)]
    return page(request, "roleplays_print.html", {"viewer": viewer, "scenarios": chosen, "filters": filters})


AssignerDep = Annotated[Viewer, Depends(require("manager", "enablement", "admin"))]


@router.post("/roleplays/assign")
def assign(
    db: DbDep,
    settings: SettingsDep,
    viewer: FormViewerDep,
    _: AssignerDep,
    scenario_id: Annotated[str, Form(max_length=64)],
    rep: Annotated[str, Form(max_length=200)],
) -> Response:
    # The scenario is looked up again in the viewer's own library: a form cannot smuggle in
    # another team's scenario.
    scenario = next((sc for sc in _library(db, settings, viewer) if sc.get("id") == scenario_id), None)
    if scenario is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"scenario {scenario_id!r} not found")
    practice.assign(db, viewer.key, rep=rep, scenario=scenario)
    return RedirectResponse(f"/roleplays?{urlencode({'assigned': rep})}", status.HTTP_303_SEE_OTHER)
