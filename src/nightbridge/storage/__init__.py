"""Storage: SQLAlchemy 2 tables, repositories and Alembic migrations.

SQLite (WAL, synchronous=FULL, foreign keys on) in the person's ``--home`` by default;
PostgreSQL when ``NIGHTBRIDGE_DATABASE_URL`` is set. Repositories take a Session that
belongs to one transaction (``Database.transaction()``) and return core objects.
"""
