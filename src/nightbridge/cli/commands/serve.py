"""``nightbridge serve``: the web app on this machine."""

from __future__ import annotations

from typing import Annotated

import typer

from nightbridge.cli.context import state


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        demo: Annotated[bool, typer.Option("--demo", help="Load the demo people.")] = False,
    ) -> None:
        """Start the web app."""
        import uvicorn

        from nightbridge.web.app import create_app

        st = state(ctx)
        database = st.database()
        if demo:
            from nightbridge.cli.commands.demo import load_and_print

            load_and_print(ctx, 42)
        typer.echo(f"Nightbridge on http://{host}:{port}")
        uvicorn.run(create_app(database), host=host, port=port, log_level="warning")
