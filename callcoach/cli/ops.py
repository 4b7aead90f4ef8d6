"""CLI commands for operations: worker, serve, reconcile, keys, delete, webhooks (registered on
callcoach.cli.app)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from callcoach.cli import _fail, app
from callcoach.errors import CallcoachError, InputError
from callcoach.settings import get_settings

keys_app = typer.Typer(no_args_is_help=True, help="Create and revoke API keys.")
app.add_typer(keys_app, name="keys")


@app.command()
def worker(
    queues: Annotated[
        str,
        typer.Option("--queues", "-Q", help="Queues: transcribe, analyze, deliver (webhooks)."),
    ] = "transcribe,analyze",
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", min=1, help="Worker processes.")] = 1,
    loglevel: Annotated[str, typer.Option("--loglevel", help="Celery log level.")] = "INFO",
) -> None:
    """Run a Celery worker on the given queues (needs CALLCOACH_BROKER_URL)."""
    settings = get_settings()
    if not settings.broker_url:
        sys.stderr.write(
            "error: no broker configured: set CALLCOACH_BROKER_URL (e.g. redis://localhost:6379/0)\n"
        )
        raise typer.Exit(code=2)
    from workers.app import QUEUES
    from workers.app import app as celery_app

    wanted = [q.strip() for q in queues.split(",") if q.strip()]
    unknown = sorted(set(wanted) - set(QUEUES))
    if unknown or not wanted:
        sys.stderr.write(
            f"error: unknown queue(s) {', '.join(unknown) or '(none)'}; expected {', '.join(QUEUES)}\n"
        )
        raise typer.Exit(code=2)
    celery_app.worker_main(
        [
            "worker",
            "-Q",
            ",".join(wanted),
            "--concurrency",
            str(concurrency),
            "--loglevel",
            loglevel,
            "--prefetch-multiplier",
            "1",
        ]
    )


def default_workers() -> int:
    """API worker processes by default: one per core (a request is CPU work in one process)."""
    return max(1, os.cpu_count() or 1)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Worker processes (default: one per core)."),
    ] = None,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request (off: it costs CPU).")
    ] = False,
) -> None:
    """Serve the HTTP API. Without CALLCOACH_BROKER_URL the pipeline runs inside this process (each
    worker process runs its own in-process pipeline; calls are claimed in the database, so any
    process may finish any call)."""
    import uvicorn

    settings = get_settings()
    try:
        from callcoach.storage import init_db

        init_db(settings)  # once, before the workers start, so they do not all migrate at once
    except CallcoachError as exc:
        raise _fail(exc) from None
    n = workers or default_workers()
    if settings.metrics == "bind" and n > 1:
        # Each worker process keeps its own registry: one port cannot show them all.
        raise _fail(InputError("metrics=bind needs --workers 1 (each worker process has its own "
                               "counters); use metrics=token with several workers"))
    from api.logs import access_log_config

    if n == 1:
        from callcoach.cli.asgi import create_app

        app = create_app()
        if settings.metrics == "bind":
            from api.metrics import serve_on_bind

            serve_on_bind(settings, app.state.metrics)
        uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log,
                    log_config=access_log_config())
        return
    # Several processes: uvicorn imports the factory in each (settings come from the environment).
    uvicorn.run(
        "callcoach.cli.asgi:create_app",
        factory=True,
        workers=n,
        host=host,
        port=port,
        log_level="info",
        access_log=access_log,
        log_config=access_log_config(),
    )


@app.command()
def reconcile() -> None:
    """Send again the task of every call stuck past its timeout (once), and print what was sent."""
    from callcoach.services import jobs

    settings = get_settings()
    in_broker = None
    if settings.broker_url:
        from workers.app import held_by_broker
        from workers.dispatch import send_task

        in_broker = held_by_broker

        def send(stage: str, call_id: str) -> None:
            send_task(stage, call_id, settings)
    else:

        def send(stage: str, call_id: str) -> None:
            # No broker: run the stage here, to the end of the pipeline.
            result = jobs.run_stage(settings, stage, call_id)  # type: ignore[arg-type]
            if result.outcome == "done" and result.next_stage is not None:
                send(result.next_stage, call_id)
            elif result.outcome == "done" and result.deliver_alerts:
                from callcoach.services import coaching as coaching_service

                coaching_service.deliver_alerts(settings)

    try:
        sent = jobs.reconcile(settings, send, in_broker=in_broker)
    except CallcoachError as exc:
        raise _fail(exc) from None
    for call_id, stage in sent:
        typer.echo(f"{call_id}\t{stage}")
    sys.stderr.write(f"{len(sent)} stuck call(s) sent again\n")


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help="rep, manager, enablement or admin.")],
    rep: Annotated[str | None, typer.Option("--rep", help="The rep a rep key speaks for.")] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="The team (a manager's team; a rep's team).")
    ] = None,
    label: Annotated[str | None, typer.Option("--label", help="A note to tell keys apart.")] = None,
) -> None:
    """Create an API key and print it once (only its hash is stored)."""
    from callcoach.services.access import create_key
    from callcoach.storage import session_scope

    try:
        with session_scope(get_settings()) as session:
            key, record = create_key(session, role=role, rep=rep, team=team, label=label)
    except CallcoachError as exc:
        raise _fail(exc) from None
    typer.echo(key)
    sys.stderr.write(f"created {record.role} key {record.prefix}... (store it now: it is not shown again)\n")


@keys_app.command("revoke")
def keys_revoke(
    prefix: Annotated[str, typer.Argument(help="The key's first 11 characters (cc_xxxxxxxx).")],
) -> None:
    """Revoke a key by its prefix."""
    from callcoach.services.access import revoke_key
    from callcoach.storage import session_scope

    try:
        with session_scope(get_settings()) as session:
            n = revoke_key(session, prefix)
    except CallcoachError as exc:
        raise _fail(exc) from None
    sys.stderr.write(f"revoked {n} key(s)\n")


@app.command("delete")
def delete_call(
    call_id: Annotated[str, typer.Argument(help="The call to remove everywhere.")],
) -> None:
    """Delete a call: its rows, uploaded files, coaching prompts and the alerts that quote it."""
    from callcoach.services import retention

    try:
        deleted = retention.delete_call(get_settings(), call_id)
    except CallcoachError as exc:
        raise _fail(exc) from None
    sys.stderr.write(
        f"deleted {deleted.call_id} ({deleted.alerts} alert(s), {deleted.prompts} prompt(s), "
        f"files {'removed' if deleted.files else 'none'})\n"
    )


webhooks_app = typer.Typer(no_args_is_help=True, help="Webhooks that receive manager alerts.")
app.add_typer(webhooks_app, name="webhooks")


@webhooks_app.command("add")
def webhooks_add(url: Annotated[str, typer.Argument(help="Public http(s) URL for alerts.")]) -> None:
    """Register a webhook (public http(s) only, unless CALLCOACH_WEBHOOK_ALLOWED_HOSTS names it)."""
    from callcoach.services.coaching_stage import add_webhook

    try:
        hook = add_webhook(get_settings(), url)
    except CallcoachError as exc:
        raise _fail(exc) from None
    typer.echo(f"{hook['id']}\t{hook['url']}")


@webhooks_app.command("list")
def webhooks_list() -> None:
    """Every registered webhook: id, url, active, and whether the settings configure it."""
    from callcoach.services.coaching_stage import list_webhooks

    try:
        hooks = list_webhooks(get_settings())
    except CallcoachError as exc:
        raise _fail(exc) from None
    for h in hooks:
        flags = ",".join(f for f, on in (("active", h["active"]), ("configured", h["configured"])) if on)
        typer.echo(f"{h['id']}\t{h['url']}\t{flags or '-'}")


@webhooks_app.command("delete")
def webhooks_delete(webhook_id: Annotated[int, typer.Argument(help="The webhook's id.")]) -> None:
    """Stop sending alerts to a webhook and forget its deliveries."""
    from callcoach.services.coaching_stage import delete_webhook

    try:
        delete_webhook(get_settings(), webhook_id)
    except CallcoachError as exc:
        raise _fail(exc) from None
    sys.stderr.write(f"deleted webhook {webhook_id}\n")
