"""A budget for every request: the limits each endpoint keeps, checked before the work, stated in the docs.

Every limit is a setting (:class:`planner.composition.Settings`, env ``PLANNER_<NAME>``), read per
request, so what the server enforces and what its OpenAPI document states (``x-limits`` on each
operation, ``maximum``/``maxItems`` on its parameters, :mod:`planner.web.openapi`) are one value.
Beyond a limit a request is answered at once, naming the setting and its value:

* every request: a query string over ``max_query_bytes`` 414, over ``max_query_params`` parameters
  (each repetition counted) 400 (:func:`check_request`, before any view);
* a JSON body: over ``max_json_bytes`` 413, nested deeper than ``max_json_depth`` 400
  (:func:`planner.web.api_models.parse_json`);
* a field bounded by a setting (``Budgeted.LIMITS`` of the request models): 400;
* work that cannot be made cheaper, computing what is not kept yet (a timetable, a comparison):
  at most a few distinct pieces at once (:class:`Gate`); one more waits ``busy_wait_s`` at most for
  a place, then answers 503 with ``Retry-After`` (:class:`planner.domain.errors.Busy`) instead of
  queueing for many seconds.

What a stranger can vary without bound is bounded too: a journey's walk and transfer limits are
rounded to steps (51 walks x 61 transfer times a date, not millions), a recurring event
expands to ``max_sessions_per_series`` sessions, and every cache keeps a stated number of entries.
"""
from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, request
from flask.sansio.app import App

from planner.domain.errors import Busy
from planner.web.api_models import Budgeted, current_limit, over_budget
from planner.web.extensions import GROUPS


@dataclass(frozen=True)
class Budget:
    """One limit of an operation, as the OpenAPI document states it (``x-limits``).

    ``setting`` names the setting holding the value; ``applies_to`` the parameter, JSON path or part
    of the request it bounds; ``status`` the answer beyond it (None: nothing is refused, the value is
    rounded or the work capped); ``what`` says what it bounds, in words.
    """

    setting: str
    applies_to: str
    status: int | None
    what: str


EVERY_REQUEST = (
    Budget("max_query_bytes", "query string", 414, "bytes of the query string"),
    Budget("max_query_params", "query string", 400, "query parameters, each repetition counted"),
)
JSON_BODY = (
    Budget("max_json_bytes", "body", 413, "bytes of the JSON body"),
    Budget("max_json_depth", "body", 400, "nesting of the JSON body (arrays and objects)"),
)
#: What each endpoint's work is bounded by, beyond its parameters' own limits (``Budgeted.LIMITS``).
WORK: dict[str, tuple[Budget, ...]] = {
    "journeys.api_journeys": (
        Budget("journey_builds_max", "work", 503, "pieces of work journeys and comparisons wait for at once "
               "(a timetable of a date and walking rules not kept yet); Retry-After: busy_retry_after_s"),
        Budget("busy_wait_s", "work", None, "seconds a request waits for a place among the builds before its 503"),
        Budget("journey_reach_days", "work", None, "service days searched after the date (arrive-by: before it) "
               "when nothing goes in the date's timetable; beyond, the reason names the next departure or the limit"),
        Budget("timetable_cache_size", "memory", None,
               "timetables kept (~30 MB each; one reaching 2n days counts n), least recently used go"),
    ),
    "journeys.api_compare": (
        Budget("compare_window_max_min", "end", 400, "minutes of the window from start to end (each "
               "minute is a search in both directions)"),
        Budget("compare_builds_max", "work", 503, "comparisons being computed at once (not kept yet); "
               "Retry-After: busy_retry_after_s"),
        Budget("journey_builds_max", "work", 503, "pieces of work journeys and comparisons wait for at once "
               "(a comparison not kept yet is one); Retry-After: busy_retry_after_s"),
        Budget("busy_wait_s", "work", None, "seconds a request waits for a place among the builds before its 503"),
        Budget("comparison_cache_size", "memory", None, "comparisons kept, least recently used go"),
    ),
    "itineraries.api_itineraries": (
        Budget("plan_queue_max", "work", 503, "day plans waiting beyond those being computed"),
        Budget("plan_deadline_s", "work", 503, "seconds a day plan may take"),
        Budget("plan_cache_size", "memory", None, "day plans kept, least recently used go"),
    ),
    "api.events": (
        Budget("max_sessions_per_series", "work", None, "sessions of one recurring event listed at most "
               "(the first ones): an endless rule costs no more"),
    ),
    "api.network": (
        Budget("max_sessions_per_series", "work", None, "sessions of one recurring event at most "
               "(the first ones): an endless rule costs no more"),
    ),
}


def field_budgets(model: type[Budgeted] | None, json_body: bool) -> list[Budget]:
    """The budgets a request model's fields carry (``LIMITS``: refused beyond; ``STEPS``: rounded)."""
    if model is None:
        return []
    out = []
    for field, setting in model.LIMITS.items():
        where = _where(model, field, json_body)
        out.append(Budget(setting, where, 400, f"the most {where} may hold" if _is_list(model, field)
                          else f"the largest {where}"))
    for field, setting in model.STEPS.items():
        where = _where(model, field, json_body)
        out.append(Budget(setting, where, None, f"{where} is rounded to a multiple of this (each distinct value "
                          "costs a timetable build)"))
    return out


def _where(model: type[Budgeted], field: str, json_body: bool) -> str:
    name = model.model_fields[field].alias or field
    return f"$.{name}" if json_body else name


def _is_list(model: type[Budgeted], field: str) -> bool:
    return "list" in str(model.model_fields[field].annotation)


def budgets_of(endpoint: str, query: type | None, body: type | None) -> list[Budget]:
    """Every budget of an operation: its parameters' and body's, the request's, its work's."""
    out = list(EVERY_REQUEST)
    if body is not None:
        out += JSON_BODY
    for model, json_body in ((query, False), (body, True)):
        if isinstance(model, type) and issubclass(model, Budgeted):
            out += field_budgets(model, json_body)
    return out + list(WORK.get(endpoint, ())) + rate_limits_of(endpoint)


def rate_limits_of(endpoint: str) -> list[Budget]:
    """The per-client rate limit of an endpoint (:data:`planner.web.extensions.GROUPS`), as a budget."""
    return [Budget(group.setting, "client (its address)", 429, f"requests of the '{group.scope}' kind per client")
            for group in GROUPS if endpoint in group.endpoints]


def check_request() -> None:
    """Before any view: the query string within ``max_query_bytes`` and ``max_query_params``.

    Raises
    ------
    planner.web.api_models.RequestInvalid
        414 or 400, naming the setting and its value.
    """
    query = request.query_string
    if len(query) > current_limit("max_query_bytes"):
        raise over_budget("query_too_long", "the query string is over {limit_value} bytes", "max_query_bytes",
                          status=414)
    if query and query.count(b"&") + 1 > current_limit("max_query_params"):  # werkzeug splits at & only
        raise over_budget("too_many_parameters", "more than {limit_value} query parameters", "max_query_params")


def check_window(start_s: int, end_s: int) -> None:
    """A comparison's window no longer than ``compare_window_max_min`` (a fault of ``end``).

    Raises
    ------
    planner.web.api_models.RequestInvalid
        400, naming the setting and its value.
    """
    if end_s - start_s > current_limit("compare_window_max_min") * 60:
        raise over_budget("window_too_long", "the window is longer than {limit_value} minutes",
                          "compare_window_max_min", ("end",))


class Gate:
    """At most ``size`` distinct pieces of work at once; a request for one more waits up to ``wait_s``
    for a place, then raises :class:`Busy`.

    Requests for a piece already under way join it without a place of their own (they wait for the
    same build, which costs nothing more). A burst of a few distinct pieces (a server's first minute:
    each date's timetables) waits its turn as before; a stream of distinct ones (a stranger cycling
    parameters) is answered after ``wait_s`` at most instead of queueing for many seconds.

    Examples
    --------
    >>> gate = Gate("comparisons", "compare_builds_max", size=1, retry_after_s=2, wait_s=0)
    >>> with gate.enter("a"), gate.enter("a"):  # the same piece: joined
    ...     try:
    ...         with gate.enter("b"):
    ...             pass
    ...     except Busy as busy:
    ...         print(busy.code, busy.params["limit"], busy.retry_after_s)
    busy compare_builds_max 2
    """

    def __init__(self, what: str, limit: str, size: int, retry_after_s: int, wait_s: float = 0) -> None:
        self.what, self.limit, self.size, self.retry_after_s, self.wait_s = what, limit, size, retry_after_s, wait_s
        self._running: dict[Hashable, int] = {}
        self._changed = threading.Condition()

    @contextmanager
    def enter(self, key: Hashable | None) -> Iterator[None]:
        """A place for the piece ``key`` while the block runs (None: nothing to build, no place taken)."""
        if key is None:
            yield
            return
        with self._changed:
            if not self._changed.wait_for(lambda: key in self._running or len(self._running) < self.size,
                                          timeout=self.wait_s):
                raise Busy(what=self.what, limit=self.limit, limit_value=self.size, retry_after_s=self.retry_after_s)
            self._running[key] = self._running.get(key, 0) + 1
        try:
            yield
        finally:
            with self._changed:
                self._running[key] -= 1
                if not self._running[key]:
                    del self._running[key]
                    self._changed.notify_all()


_GATES_LOCK = threading.Lock()


def gate(what: str, limit: str) -> Gate:
    """The current app's gate for ``what``, of the size the setting ``limit`` states (made at first use)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the app, not the proxy, keys it
    with _GATES_LOCK:
        gates = app.extensions.setdefault("budget_gates", {})
        if what not in gates:
            gates[what] = Gate(what, limit, current_limit(limit), current_limit("busy_retry_after_s"),
                               current_limit("busy_wait_s"))
        found: Gate = gates[what]
        return found


def init_budgets(app: App) -> None:
    """Check every request's query string before its view (:func:`check_request`)."""
    app.before_request(check_request)
