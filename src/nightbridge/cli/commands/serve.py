"""``nightbridge serve``: the web app, one worker process per core by default.

The parent process makes sure the store is ready (whole, at this version's schema; an
empty one set up under the migration lock), then hands the resolved settings to
uvicorn's workers through the environment (``Settings.to_env``); each worker builds its
app with ``nightbridge.web.asgi:create_app_from_env``.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from nightbridge.cli.context import state
from nightbridge.settings import is_loopback

__all__ = ["is_loopback", "plain_http_warning", "register"]

APP_FACTORY = "nightbridge.web.asgi:create_app_from_env"


def plain_http_warning(host: str) -> str | None:
    """What ``serve`` says when it listens beyond this machine (it speaks plain HTTP)."""
    if is_loopback(host):
        return None
    return (
        f"Warning: listening on {host} over plain HTTP. Logins need HTTPS: browsers drop "
        "the session cookie on plain HTTP from another machine. Put a TLS reverse proxy in "
        "front (docs/deploy.md) and set NIGHTBRIDGE_FORWARDED_ALLOW_IPS to its address."
    )


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: Annotated[
            str | None,
            typer.Option(help="Address to listen on (default 127.0.0.1, NIGHTBRIDGE_HOST)."),
        ] = None,
        port: Annotated[
            int | None,
            typer.Option(help="Port to listen on (default 8000, NIGHTBRIDGE_PORT)."),
        ] = None,
        workers: Annotated[
            int | None,
            typer.Option(
                min=1,
                help="Worker processes (default one per CPU core, NIGHTBRIDGE_WORKERS).",
            ),
        ] = None,
        forwarded_allow_ips: Annotated[
            str | None,
            typer.Option(
                "--forwarded-allow-ips",
                help="Addresses of the reverse proxy whose X-Forwarded-* headers are "
                "believed (default 127.0.0.1, NIGHTBRIDGE_FORWARDED_ALLOW_IPS).",
            ),
        ] = None,
        demo: Annotated[bool, typer.Option("--demo", help="Load the demo people.")] = False,
    ) -> None:
        """Start the web app (docs/deploy.md for a clinic)."""
        import dataclasses

        import uvicorn

        from nightbridge.logsafe import log_config
        from nightbridge.settings import PREFIX, check

        st = state(ctx)
        chosen = {
            "host": host,
            "port": port,
            "workers": workers,
            "forwarded_allow_ips": forwarded_allow_ips,
        }
        settings = dataclasses.replace(
            st.settings(), **{k: v for k, v in chosen.items() if v is not None}
        )
        check(settings)
        from nightbridge.storage.integrity import quick_check
        from nightbridge.storage.schema import ensure_ready

        # Before any worker starts: a damaged SQLite file is refused, an empty store set
        # up (under the migration lock: several servers may start at once), an older or
        # newer one refused with what to do (storage.schema).
        database = st.database(check=False)
        quick_check(database)
        ensure_ready(database)
        if demo:
            from nightbridge.cli.commands.demo import load_and_print

            load_and_print(ctx, 42)
        database.dispose()
        warning = plain_http_warning(settings.host)
        if warning:
            typer.echo(warning, err=True)
        # The workers read their settings from the environment: exactly these.
        for name in [k for k in os.environ if k.startswith(PREFIX)]:
            del os.environ[name]
        os.environ.update(dataclasses.replace(settings, home=st.home_dir).to_env())
        count = settings.worker_count
        plural = "s" if count > 1 else ""
        typer.echo(
            f"Nightbridge on http://{settings.host}:{settings.port} ({count} worker{plural})"
        )
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=count,
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
            log_level="warning",
            log_config=log_config("warning"),
        )
