"""The web app: FastAPI app factory, routes, templates, static files (thin over services)."""
