"""The demo people and their data (serve --demo, nightbridge demo)."""
