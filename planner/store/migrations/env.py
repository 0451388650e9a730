"""Alembic environment of the planner's database.

``planner db upgrade`` (and every app start) runs the migrations through
:func:`planner.store.db.upgrade`, which hands over an open connection. Run by
Alembic's own command line instead, the URL comes from ``sqlalchemy.url`` or the
``PLANNER_DATABASE_URL`` / ``DATABASE_URL`` environment variables.
"""
from __future__ import annotations

import os

from alembic import context

from planner.store.db import make_engine
from planner.store.schema import metadata

config = context.config


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = (config.get_main_option("sqlalchemy.url") or os.environ.get("PLANNER_DATABASE_URL")
           or os.environ.get("DATABASE_URL"))
    if not url:
        raise SystemExit("set sqlalchemy.url, PLANNER_DATABASE_URL or DATABASE_URL")
    with make_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
