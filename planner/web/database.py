"""The database behind the app: opened, migrated and seeded at start, shared through the state.

The URL is ``DATABASE_URL`` from the settings (``PLANNER_DATABASE_URL`` or
``DATABASE_URL`` in the environment), else SQLite in the instance folder. The
events of ``data/events.yaml`` are added once, by id: a second start adds
nothing, and an event staff changed is never overwritten by the seed.
From then on the state's model reads its events from the store.
"""
from __future__ import annotations

from flask import Flask

from ..store import database_url, open_database
from ..store.live import live_model
from .state import PlannerState


def init_db(app: Flask) -> None:
    planner: PlannerState = app.extensions["planner"]
    hasher = None
    if app.config.get("PASSWORD_HASH_PARAMS"):  # cheaper hashing for tests
        from argon2 import PasswordHasher

        hasher = PasswordHasher(**app.config["PASSWORD_HASH_PARAMS"])
    url = database_url(app.config.get("DATABASE_URL"), app.instance_path)
    db = open_database(url, planner.model.places, migrate=app.config.get("DATABASE_AUTO_MIGRATE", True),
                       hasher=hasher)
    db.events.seed_from(planner.model.events.values())
    planner.calendar, planner.accounts = db.events, db.users
    planner.model = live_model(planner.model, db.events)
    app.extensions["planner_db"] = db
