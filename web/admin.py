"""/admin: API keys (create, list, revoke) and webhooks (add, list, test, remove). Admin keys only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import AnyHttpUrl, TypeAdapter, ValidationError

from callcoach.errors import CallcoachError
from callcoach.services import access, admin
from callcoach.services.coaching_stage import add_webhook
from callcoach.storage.access_models import ROLES
from web.auth import DbDep, FormViewerDep, SettingsDep, Viewer, require
from web.render import page

router = APIRouter()

AdminDep = Annotated[Viewer, Depends(require("admin"))]
NOTICES = {
    "revoked": "Key revoked: its sessions ended too.",
    "webhook-added": "Webhook added.",
    "webhook-removed": "Webhook removed.",
}
_URL = TypeAdapter(AnyHttpUrl)


def _admin_page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: Viewer,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    keys = admin.list_keys(db)
    db.commit()
    context = {
        "viewer": viewer,
        "keys": keys,
        "roles": ROLES,
        "webhooks": admin.list_webhooks(settings),
        "new_key": None,
        "error": None,
        "notice": None,
        "test_result": None,
        **extra,
    }
    return page(request, "admin.html", context, status_code=status_code)


@router.get("/admin")
def admin_page(
    request: Request, db: DbDep, settings: SettingsDep, viewer: AdminDep, notice: str | None = None
) -> Response:
    return _admin_page(request, db, settings, viewer, notice=NOTICES.get(notice or ""))


@router.post("/admin/keys")
def create_key(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: FormViewerDep,
    _: AdminDep,
    role: Annotated[str, Form()],
    rep: Annotated[str, Form(max_length=200)] = "",
    team: Annotated[str, Form(max_length=200)] = "",
    label: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        key, record = access.create_key(db, role=role, rep=rep, team=team, label=label.strip() or None)
    except CallcoachError as exc:
        db.rollback()
        return _admin_page(request, db, settings, viewer, error=str(exc), status_code=422)
    db.commit()
    # Shown once, in this answer only: the database keeps its hash.
    return _admin_page(request, db, settings, viewer, new_key={"key": key, "record": record})


@router.post("/admin/keys/revoke")
def revoke_key(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: FormViewerDep,
    _: AdminDep,
    prefix: Annotated[str, Form(max_length=20)],
) -> Response:
    if prefix == viewer.key.prefix:
        return _admin_page(
            request,
            db,
            settings,
            viewer,
            error="You cannot revoke the key you are signed in with.",
            status_code=422,
        )
    try:
        access.revoke_key(db, prefix)
    except CallcoachError as exc:
        db.rollback()
        return _admin_page(request, db, settings, viewer, error=str(exc), status_code=404)
    return RedirectResponse("/admin?notice=revoked#keys", status.HTTP_303_SEE_OTHER)


@router.post("/admin/webhooks")
def add(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: FormViewerDep,
    _: AdminDep,
    url: Annotated[str, Form(max_length=2000)],
) -> Response:
    try:
        checked = str(_URL.validate_python(url.strip()))
    except ValidationError:
        return _admin_page(
            request, db, settings, viewer, error=f"{url!r} is not an http(s) URL.", status_code=422
        )
    add_webhook(settings, checked)
    return RedirectResponse("/admin?notice=webhook-added#webhooks", status.HTTP_303_SEE_OTHER)


@router.post("/admin/webhooks/{webhook_id}/test")
def test(
    request: Request, webhook_id: int, db: DbDep, settings: SettingsDep, viewer: FormViewerDep, _: AdminDep
) -> Response:
    result = admin.test_webhook(settings, webhook_id)
    words = (
        f"Webhook {webhook_id}: test message delivered (HTTP {result.status_code})."
        if result.delivered
        else f"Webhook {webhook_id}: test message failed ({result.error or f'HTTP {result.status_code}'})."
    )
    return _admin_page(request, db, settings, viewer, test_result={"ok": result.delivered, "text": words})


@router.post("/admin/webhooks/{webhook_id}/remove")
def remove(webhook_id: int, settings: SettingsDep, viewer: FormViewerDep, _: AdminDep) -> Response:
    admin.remove_webhook(settings, webhook_id)
    return RedirectResponse("/admin?notice=webhook-removed#webhooks", status.HTTP_303_SEE_OTHER)
