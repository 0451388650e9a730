"""The web layer: an app factory and small blueprints over the planner core.

Views parse the request, call the core and render; the core's domain errors
are mapped to HTML or JSON answers once, in :mod:`planner.web.errors`.
"""
from __future__ import annotations

import secrets

from flask import Flask

from ..paths import bundled_data_dir, static_dir, templates_dir


def create_app(test_config: dict | None = None) -> Flask:
    """Create the planner's Flask app.

    ``test_config`` overrides settings (``DATA_DIR``, ``GTFS_PATH``,
    ``TILE_URL`` ...); otherwise they come from ``PLANNER_*`` environment
    variables, then the defaults below.
    """
    app = Flask(__name__, template_folder=str(templates_dir()), static_folder=str(static_dir()),
                instance_relative_config=True)
    register_config(app, test_config)
    register_model(app)
    register_db(app)
    register_i18n(app)
    register_auth(app)
    register_blueprints(app)
    register_calendar(app)
    register_errors(app)
    return app


def register_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_mapping(
        SECRET_KEY=secrets.token_hex(32),
        DATA_DIR=str(bundled_data_dir()),
        GTFS_PATH=None,  # default: DATA_DIR/gtfs
        # Tiles are a setting: the overlays work without them (offline, tests).
        TILE_URL="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        TILE_ATTRIBUTION="&copy; OpenStreetMap contributors",
        JSON_AS_ASCII=False,
        DATABASE_URL=None,  # default: PLANNER_DATABASE_URL, DATABASE_URL, else SQLite in the instance folder
        # Session cookies only over HTTPS, except in tests (`planner serve` on a loopback address also turns it off).
        SESSION_COOKIE_SECURE=not (test_config or {}).get("TESTING", False),
    )
    app.config.from_prefixed_env("PLANNER")
    if test_config:
        app.config.from_mapping(test_config)


def register_model(app: Flask) -> None:
    from .state import init_state

    init_state(app)


def register_db(app: Flask) -> None:
    from .database import init_db

    init_db(app)


def register_auth(app: Flask) -> None:
    from .auth import init_auth

    init_auth(app)


def register_calendar(app: Flask) -> None:
    from .calendar_web import init_calendar

    init_calendar(app)


def register_i18n(app: Flask) -> None:
    from .i18n import init_i18n

    init_i18n(app)


def register_blueprints(app: Flask) -> None:
    from . import api, itineraries, journeys, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(journeys.bp)
    app.register_blueprint(itineraries.bp)


def register_errors(app: Flask) -> None:
    from .errors import init_errors

    init_errors(app)
