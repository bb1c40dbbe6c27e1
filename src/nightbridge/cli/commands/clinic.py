"""``nightbridge clinic create``: a clinic made on the machine that holds the store.

The same service as the site admin's page (``services.clinic.clinics.create_clinic``),
as the actor ``host``; the first clinic admin must be a clinician account already. The
clinic's share code is printed: people type it on their sharing page.
"""

from __future__ import annotations

from typing import Annotated

import typer

from nightbridge.cli.context import state

clinic_app = typer.Typer(help="Clinics (teams of clinicians) on this store.", no_args_is_help=True)


@clinic_app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The clinic's name.")],
    admin: Annotated[
        str, typer.Option("--admin", help="Username of its first clinic admin (a clinician).")
    ],
) -> None:
    """Create the clinic NAME with ADMIN as its first clinic admin."""
    from nightbridge.services.clinic.clinics import HOST, create_clinic

    clinic = create_clinic(state(ctx).database(), HOST, name=name, admin_username=admin)
    typer.echo(f"Clinic {clinic.name} created (id {clinic.id}); its clinic admin: {admin}.")
    typer.echo(f"Share code (people type it on their Sharing page): {clinic.share_code}")


def register(app: typer.Typer) -> None:
    app.add_typer(clinic_app, name="clinic")
