"""The web layer: an app factory and small blueprints over the planner core.

Views parse the request, call the core and render; the core's domain errors
are mapped to HTML or JSON answers once, in :mod:`planner.web.errors`.
"""
from __future__ import annotations

import secrets

from flask import Flask

from planner.composition import Settings, build_services
from planner.domain.paths import static_dir, templates_dir


def create_app(test_config: dict | None = None) -> Flask:
    """Create the planner's Flask app.

    Settings come from :class:`planner.composition.Settings` (``PLANNER_*``
    environment variables); ``test_config`` overrides them by name
    (``DATA_DIR``, ``TILE_URL``, ``DATABASE_URL`` ...) and may add Flask's own
    keys (``TESTING``, ``WTF_CSRF_ENABLED`` ...).
    """
    settings = Settings.from_overrides(test_config)
    app = Flask(__name__, template_folder=str(templates_dir()), static_folder=str(static_dir()),
                instance_path=str(settings.instance_dir.resolve()))
    register_config(app, settings, test_config)
    register_services(app, settings)
    register_request_log(app)  # first of the request hooks: every later one logs with the id
    register_ops(app)  # /healthz, /readyz, /metrics; its clock starts before the other hooks run
    register_budgets(app)  # every query string within its budget before any view (planner/web/budgets.py)
    register_i18n(app)
    register_auth(app)
    register_blueprints(app)
    register_calendar(app)
    register_errors(app)
    register_limits(app, settings)  # after every view is registered: it wraps the expensive ones
    return app


def register_config(app: Flask, settings: Settings, test_config: dict | None) -> None:
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key or secrets.token_hex(32),
        JSON_AS_ASCII=False,
        # Session cookies only over HTTPS, except in tests (`planner serve` on a loopback address also turns it off).
        SESSION_COOKIE_SECURE=settings.session_cookie_secure and not (test_config or {}).get("TESTING", False),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
    )
    if test_config:
        app.config.from_mapping({k: v for k, v in test_config.items() if k.lower() not in Settings.model_fields})
        if "SESSION_COOKIE_SECURE" in test_config:
            app.config["SESSION_COOKIE_SECURE"] = test_config["SESSION_COOKIE_SECURE"]


def register_services(app: Flask, settings: Settings) -> None:
    hasher = None
    if app.config.get("PASSWORD_HASH_PARAMS"):  # cheaper hashing for tests
        from argon2 import PasswordHasher

        hasher = PasswordHasher(**app.config["PASSWORD_HASH_PARAMS"])
    app.extensions["planner"] = build_services(settings, hasher=hasher)


def register_request_log(app: Flask) -> None:
    from planner.web.request_log import init_request_log

    init_request_log(app)


def register_budgets(app: Flask) -> None:
    from planner.web.budgets import init_budgets

    init_budgets(app)


def register_auth(app: Flask) -> None:
    from planner.web.views.auth import init_auth

    init_auth(app)


def register_calendar(app: Flask) -> None:
    from planner.web.calendar_web import init_calendar

    init_calendar(app)


def register_i18n(app: Flask) -> None:
    from planner.web.i18n.core import init_i18n

    init_i18n(app)


def register_blueprints(app: Flask) -> None:
    from planner.web import openapi
    from planner.web.views import api, itineraries, journeys, pages, scenarios

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(journeys.bp)
    app.register_blueprint(itineraries.bp)
    app.register_blueprint(openapi.bp)  # /api/openapi.json and /api/docs
    scenarios.init_scenarios(app)  # the planners' scenarios, their API, and the public /shuttle page


def register_ops(app: Flask) -> None:
    from planner.web.ops import init_ops

    init_ops(app)


def register_limits(app: Flask, settings: Settings) -> None:
    from planner.web.extensions import init_limiter

    init_limiter(app, settings)


def register_errors(app: Flask) -> None:
    from planner.web.errors import init_errors

    init_errors(app)
