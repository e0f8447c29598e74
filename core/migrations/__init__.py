"""Alembic migrations of the service's database (see docs/database.md)."""
