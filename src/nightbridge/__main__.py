"""``python -m nightbridge`` runs the CLI."""

from nightbridge.cli.app import main

main()
