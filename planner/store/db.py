"""Engines, transactions and migrations for the planner's database.

SQLite (a file in the instance folder) by default, PostgreSQL when the URL
names one. Schema changes go through the Alembic migrations in
``planner/migrations``; :func:`upgrade` applies them.

Write transactions on SQLite start with ``BEGIN IMMEDIATE`` so that two
writers queue on the busy timeout instead of one failing when both try to
upgrade a read lock; readers use plain deferred transactions and, with WAL,
never wait for a writer.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from planner.domain.errors import BadRequest, DataError, Problem

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_IMMEDIATE = "planner_immediate"


def normalize_url(url: str) -> str:
    """The SQLAlchemy URL for a ``DATABASE_URL`` as hosting services write it.

    ``postgres://`` and driverless ``postgresql://`` URLs use psycopg 3.

    Examples
    --------
    >>> normalize_url("postgres://u:p@db/planner")
    'postgresql+psycopg://u:p@db/planner'
    >>> normalize_url("sqlite:///instance/planner.db")
    'sqlite:///instance/planner.db'
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings the stores rely on."""
    url = normalize_url(url)
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True, future=True)
    database = sa.engine.make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if database and database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get(_IMMEDIATE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Taken(DataError):
    """A key (an event's id or UID, a scenario's id, an account's name) is taken: by a row stored
    before, or by another request writing the same key at the same moment (a unique constraint of
    the database refused the second write). The web layer answers 409; nothing was written."""

    code = "already_exists"


def _taken_field(exc: sa.exc.IntegrityError) -> str:
    """The column a unique constraint guards, from the driver's error (PostgreSQL's constraint name,
    SQLite's ``UNIQUE constraint failed: table.column``): ``id`` for a primary key.

    Examples
    --------
    >>> class E(Exception): pass
    >>> _taken_field(sa.exc.IntegrityError("INSERT", {}, E("UNIQUE constraint failed: users.name")))
    'name'
    >>> _taken_field(sa.exc.IntegrityError("INSERT", {}, E("UNIQUE constraint failed: events.id")))
    'id'
    """
    diag = getattr(exc.orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    if constraint:  # the schema's names: pk_<table>, uq_<table>_<column> (planner/store/schema.py)
        if constraint.startswith("pk_") or constraint.endswith("_pkey"):
            return "id"
        for column in ("session_token", "uid", "name"):
            if constraint.endswith(f"_{column}"):
                return column
        return constraint
    message = str(exc.orig)
    if "UNIQUE constraint failed:" in message:
        return message.split("UNIQUE constraint failed:", 1)[1].split(",")[0].strip().rsplit(".", 1)[-1]
    return "id"


def _unique_violation(exc: sa.exc.IntegrityError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == "23505" or "UNIQUE constraint failed" in str(exc.orig)


def _nul_refused(exc: sa.exc.DataError) -> bool:
    return "NUL" in str(exc.orig)


@contextmanager
def _faults_named(conn: Connection) -> Iterator[Connection]:
    """The database's refusals as domain errors: a unique key taken (by a write at the same moment)
    is :class:`Taken`; text PostgreSQL cannot hold (a NUL byte) is a :class:`BadRequest`. The stores
    check both before writing; this is the answer when a check and a write race, or a check is missed."""
    try:
        yield conn
    except sa.exc.IntegrityError as exc:
        if not _unique_violation(exc):
            raise
        field = _taken_field(exc)
        raise Taken([Problem(field, f"{field}: taken by a write at the same moment")]) from None
    except sa.exc.DataError as exc:
        if not _nul_refused(exc):
            raise
        raise BadRequest("text", "nul_character") from None


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that writes: committed on success, rolled back on error.

    Raises
    ------
    Taken
        A unique key was taken meanwhile by another transaction (nothing of this one is written).
    BadRequest
        Text the database cannot store (``nul_character``).
    """
    with _faults_named(engine.connect()) as conn, conn:
        conn.execution_options(**{_IMMEDIATE: True})
        with conn.begin():
            yield conn


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    with _faults_named(engine.connect()) as conn, conn:
        with conn.begin():
            yield conn


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def row_by_key(conn: Connection, table: sa.Table, key: str, *, for_update: bool = False) -> sa.Row | None:
    """The row of ``table`` whose primary key ``id`` is ``key``; ``for_update`` locks it on PostgreSQL
    (SQLite's one writer needs no lock) until the transaction ends."""
    query = sa.select(table).where(table.c.id == key)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).first()


def version_record(conn: Connection, versions: sa.Table, owner: sa.Column, key: str, version: int) -> dict | None:
    """The record a history table (``versions``, keyed by ``owner`` and ``version``) keeps for one version."""
    return conn.execute(sa.select(versions.c.record).where(owner == key, versions.c.version == version)).scalar()


def utcnow() -> dt.datetime:
    """Now, as the naive UTC time the database columns hold."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def to_db_time(value: dt.datetime) -> dt.datetime:
    """An aware time as naive UTC, the form stored in every time column."""
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def from_db_time(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc).astimezone(tz)


def _alembic_config(connection: Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` (all of them by default)."""
    from alembic import command

    with engine.connect() as conn:
        conn.execution_options(**{_IMMEDIATE: True})
        command.upgrade(_alembic_config(conn), revision)
        conn.commit()


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.connect() as conn:
        conn.execution_options(**{_IMMEDIATE: True})
        command.downgrade(_alembic_config(conn), revision)
        conn.commit()


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    if head is None:  # only when the migrations folder has lost its versions
        raise RuntimeError(f"no migration in {MIGRATIONS_DIR}")
    return head


def schema_differences(engine: Engine) -> list:
    """What the migrated database lacks or has beyond :mod:`planner.store.schema` (empty: in step)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from planner.store.schema import metadata

    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)
