"""`serve`: the web application on 127.0.0.1, with the timer daemon in the same process unless told not to."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from escalation_engine.cli.root import App, pass_app

if TYPE_CHECKING:
    from escalation_engine.core.db import Database


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Where to listen (behind a TLS proxy in production).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--no-daemon", is_flag=True, help="Serve pages only; another process runs `escalation-engine run`."
)
@click.option(
    "--interval",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0.2, 3600),
    help="Daemon beat, seconds.",
)
@click.option(
    "--secure-cookies/--no-secure-cookies",
    default=None,
    help="Send cookies only over HTTPS (default: when ESCALATION_ENGINE_BASE_URL starts with https://).",
)
@pass_app
def serve(
    app: App, host: str, port: int, no_daemon: bool, interval: float, secure_cookies: bool | None
) -> None:
    """Run the web application (sign in, my work, cases, audit trail) and, in the same process, the daemon."""
    from escalation_engine.accounts.invitations import base_url

    ctx = app.ctx()
    secure = base_url().startswith("https://") if secure_cookies is None else secure_cookies
    serve_database(ctx.db, host=host, port=port, daemon=not no_daemon, interval=interval, secure=secure)


def serve_database(
    db: Database, *, host: str, port: int, daemon: bool, interval: float, secure: bool
) -> None:
    import threading

    import uvicorn

    from escalation_engine.web.app import create_app, settle

    web = create_app(db, secure_cookies=secure)
    settle()
    stop = threading.Event()
    thread: threading.Thread | None = None
    if daemon:
        from escalation_engine.app.daemon import SingleDaemonLock, run_daemon
        from escalation_engine.cli.delivery import no_channel_warning
        from escalation_engine.core.channels import configured_channel

        if configured_channel() is None:
            click.echo(no_channel_warning(), err=True)

        probe = SingleDaemonLock(db)  # refuse now, not in a thread, when another daemon runs
        probe.acquire()
        probe.release()
        thread = threading.Thread(
            target=run_daemon,
            args=(db,),
            kwargs={"interval": interval, "stop": stop, "install_signals": False},
            name="escalation-engine-daemon",
            daemon=True,
        )
        thread.start()
    state = "on" if daemon else "off"
    click.echo(f"escalation-engine serves http://{host}:{port}/ (daemon: {state}); Ctrl-C stops", err=True)
    try:
        uvicorn.run(web, host=host, port=port, log_level="warning")
    finally:
        stop.set()
        if thread is not None:
            thread.join(timeout=30)


COMMANDS = [serve]
