"""The command line (Typer + Rich): thin on top of services; owns files, prompts, progress."""
