"""Per-client limits of the expensive endpoints (Flask-Limiter).

Each group of endpoints below shares one counter per client (its address, as
``ProxyFix`` gives it behind a proxy) with the limit the settings name
(``rate_limit_plans`` ...). The counters live in Redis when ``redis_url`` is set,
so every ``planner serve`` process and every machine counts together; else in
each process's memory. Beyond a limit the answer is 429 with ``Retry-After`` (in
seconds), under ``/api`` in the one JSON error shape, elsewhere as the error page.

Tests build the app with ``TESTING``: limits are then off unless the test config
sets ``RATELIMIT_ENABLED``.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from planner.composition import Settings


@dataclass(frozen=True)
class LimitedGroup:
    """Endpoints sharing one counter: ``scope`` names it, ``setting`` the field holding its limit;
    ``only_when`` (if given) says when a request of these endpoints is the expensive kind."""

    scope: str
    setting: str
    endpoints: tuple[str, ...]
    only_when: Callable[[], bool] | None = None


def _plans_asked() -> bool:
    return request.method == "POST" or "start" in request.args


def _route_asked() -> bool:
    return "from" in request.args or "to" in request.args


def _job_asked() -> bool:
    """An import, a sweep or a simulation asked (the forms and a simulation page without a date are not)."""
    if request.method == "POST":
        return True
    return request.endpoint == "scenarios.simulate_csv" or "date" in request.args


GROUPS = (
    LimitedGroup("plans", "rate_limit_plans",
                 ("itineraries.api_itineraries", "itineraries.itinerary_page", "itineraries.itinerary_ics"),
                 _plans_asked),
    LimitedGroup("journeys", "rate_limit_journeys", ("journeys.api_journeys", "journeys.journeys_page"),
                 _route_asked),
    LimitedGroup("compare", "rate_limit_compare", ("journeys.api_compare", "journeys.compare_page"), _route_asked),
    LimitedGroup("jobs", "rate_limit_jobs",
                 ("staff.import_ics", "staff.apply_ics", "scenarios.start_sweep", "scenarios.api_sweep",
                  "scenarios.api_simulate", "scenarios.simulate_page", "scenarios.simulate_csv"),
                 _job_asked),
)

#: the setting of each group's limit, by its scope
SETTING_OF = {group.scope: group.setting for group in GROUPS}


def init_limiter(app: Flask, settings: Settings) -> Limiter:
    """Wrap the endpoints of :data:`GROUPS` in their limits (call after the blueprints are registered).

    Returns
    -------
    flask_limiter.Limiter
        The limiter, also at ``app.extensions["limiter"]``.
    """
    app.config.setdefault("RATELIMIT_ENABLED", settings.rate_limits_enabled and not app.testing)
    # Redis down: the request is served (and the fault logged) rather than refused
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter = Limiter(get_remote_address, app=app, storage_uri=settings.redis_url or "memory://",
                      key_prefix="planner-limits", headers_enabled=False,
                      strategy="moving-window")
    for group in GROUPS:
        limit = limiter.shared_limit(getattr(settings, group.setting), scope=group.scope,
                                     exempt_when=_exempt(group.only_when))
        for endpoint in group.endpoints:
            view = app.view_functions.get(endpoint)
            if view is not None:  # an endpoint renamed elsewhere: tests/test_ops.py names each one
                wrapped: Any = limit(view)  # the view itself, its limit checked first
                app.view_functions[endpoint] = wrapped

    @app.errorhandler(RateLimitExceeded)
    def too_many(exc: RateLimitExceeded):
        from planner.messages import fault
        from planner.web.errors import answer
        from planner.web.i18n.core import current_lang

        retry_after_s = _retry_after_s(limiter)
        setting = SETTING_OF.get(str(exc.limit.scope), "rate_limits")
        message = fault("rate_limited", current_lang(), "", limit=f"{exc.limit.limit} ({setting})",
                        retry_after_s=retry_after_s)
        # as the request budgets' errors: the setting that states the limit, and its value
        body, status = answer(429, "rate_limited", message, None, limit=setting, limit_value=str(exc.limit.limit),
                              retry_after_s=retry_after_s)
        response = body if isinstance(body, Response) else Response(body, mimetype="text/html")
        response.status_code = status
        response.headers["Retry-After"] = str(retry_after_s)
        return response

    return limiter


def _exempt(only_when: Callable[[], bool] | None) -> Callable[[], bool] | None:
    if only_when is None:
        return None
    return lambda: not only_when()


def _retry_after_s(limiter: Limiter) -> int:
    """Whole seconds until the limit just broken lets this client in again (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 1
    window_s = current.limit.get_expiry()  # reset_at is kept in whole seconds: never ask for more than a window
    return max(1, min(window_s, math.ceil(current.reset_at - time.time())))
