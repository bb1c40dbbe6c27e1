"""Repositories: one per aggregate; they take a Session and speak in core objects."""
