"""Operations: liveness, readiness and Prometheus metrics, for a load balancer and a scraper.

- ``/healthz``: the process answers (no database asked): ``{"status": "ok", "pid": ...}``.
- ``/readyz``: the data are loaded and the database answers at the schema's head revision:
  200 ``{"status": "ready", ...}``, else 503 ``{"status": "not_ready", "problems": [...]}``
  with ``Retry-After`` (a load balancer sends no visitor there meanwhile).
- ``/metrics``: Prometheus text: requests by endpoint, method and status, their duration by
  endpoint, the entries of every per-process cache and the day plans in the plan pool. Under ``planner serve`` the processes
  write their figures to files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's
  multiprocess mode), so one scrape of any process sums them all; cache entries are given per
  process (label ``pid``).

Labels are endpoint names (a bounded set, ``unmatched`` for an unknown path), never paths or
parameters: the metrics cannot grow with what clients send.
"""
from __future__ import annotations

import os
import time

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, \
    generate_latest, multiprocess

from planner.web.state import state

bp = Blueprint("ops", __name__)

REQUESTS = Counter("planner_http_requests", "Requests answered, by endpoint, method and status.",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("planner_http_request_duration_seconds", "Time to answer a request, by endpoint.",
                    ["endpoint"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
CACHE_ENTRIES = Gauge("planner_cache_entries", "Entries in a per-process cache (each bounded by a setting).",
                      ["cache"], multiprocess_mode="liveall")
PLANS_IN_FLIGHT = Gauge("planner_day_plans_in_flight", "Day plans running or queued in the plan pool, "
                        "summed over the live processes.", multiprocess_mode="livesum")

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: cache gauges are refreshed at most this often per process (len() of each takes its lock)
CACHE_REFRESH_S = 1.0
_last_refresh = [0.0]


@bp.get("/healthz")
def healthz():
    """Alive: the process answers. Asks nothing of the database."""
    return _uncached(jsonify(status="ok", pid=os.getpid()))


@bp.get("/readyz")
def readyz():
    """Ready to serve visitors: data loaded, database reachable and migrated; else 503."""
    problems = state().readiness()
    if problems:
        response = _uncached(jsonify(status="not_ready", problems=problems, pid=os.getpid()))
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response
    return _uncached(jsonify(status="ready", pid=os.getpid()))


@bp.get("/metrics")
def metrics():
    """Every process's figures (multiprocess mode under ``planner serve``), else this one's."""
    _refresh_caches(force=True)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    return _uncached(Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                              headers={"Content-Type": CONTENT_TYPE_LATEST}))


def _uncached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _refresh_caches(force: bool = False) -> None:
    now = time.monotonic()
    if not force and now - _last_refresh[0] < CACHE_REFRESH_S:
        return
    _last_refresh[0] = now
    for name, entries in state().cache_sizes().items():
        CACHE_ENTRIES.labels(cache=name).set(entries)
    pool = current_app.extensions.get("plan_pool")  # made at the first day plan (planner/web/views/itineraries.py)
    PLANS_IN_FLIGHT.set(pool.in_flight if pool is not None else 0)


def init_ops(app: Flask) -> None:
    """Register the three endpoints and the request counting."""
    app.register_blueprint(bp)

    @app.before_request
    def _start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        endpoint = request.endpoint or "unmatched"
        method = request.method if request.method in METHODS else "other"  # any word is a method to HTTP
        REQUESTS.labels(endpoint=endpoint, method=method, status=str(response.status_code)).inc()
        if started is not None:
            LATENCY.labels(endpoint=endpoint).observe(time.perf_counter() - started)
        _refresh_caches()
        return response
