"""The planner's database: the event calendar staff keep, the accounts, the shuttle scenarios.

SQLAlchemy Core over SQLite (default) or PostgreSQL, migrated by Alembic; no
Flask here. :func:`open_database` gives the stores over a migrated database.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from sqlalchemy.engine import Engine

from planner.domain.model import Place
from planner.store.db import Taken, make_engine, normalize_url, upgrade
from planner.store.events import Conflict, EventStore, HistoryEntry, StoredEvent
from planner.store.scenarios import ScenarioConflict, ScenarioStore, StoredScenario
from planner.store.users import ROLES, LastAdmin, LoginFailed, LoginLocked, User, UserStore

__all__ = ["Conflict", "Database", "EventStore", "HistoryEntry", "LastAdmin", "LoginFailed", "LoginLocked", "ROLES",
           "ScenarioConflict", "ScenarioStore", "StoredEvent", "StoredScenario", "Taken", "User", "UserStore", "database_url",
           "open_database"]


@dataclass
class Database:
    engine: Engine
    events: EventStore
    users: UserStore
    scenarios: ScenarioStore

    def close(self) -> None:
        self.engine.dispose()


def database_url(configured: str | None, instance_dir: str | Path) -> str:
    """The database to use: the configured URL (the settings read ``PLANNER_DATABASE_URL`` and
    ``DATABASE_URL``), else SQLite in the instance folder.

    Examples
    --------
    >>> database_url("postgres://db/planner", "/srv/instance")
    'postgresql+psycopg://db/planner'
    """
    return normalize_url(configured) if configured else f"sqlite:///{Path(instance_dir) / 'planner.db'}"


def open_database(url: str, places: Mapping[str, Place], *, migrate: bool = True, hasher=None,
                  event_cache_size: int = 10_000) -> Database:
    """The stores over ``url``, migrated to the newest schema first unless ``migrate`` is False;
    the event store keeps up to ``event_cache_size`` parsed event versions. Scenario stops may name
    any of ``places``."""
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return Database(engine, EventStore(engine, places, cache_size=event_cache_size), UserStore(engine, hasher),
                    ScenarioStore(engine, set(places)))
