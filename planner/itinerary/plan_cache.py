"""Day plans kept by request, for every visitor who asks the same.

A plan depends on the request and on what can change while the app runs: the
day's events and sessions with their status (staff edit them in the calendar,
and an edit must show at once) and the value model's weights. The key is the
normalised request with a digest of those, so an edit makes a new key and the
old plan is never served again (it ages out of the bounded cache). The places,
their hours and the timetables are loaded with the app and do not change under it.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from typing import Any

from planner.domain.caches import SharedCache
from planner.domain.model import Event, Occurrence
from planner.itinerary.daytrip import DayPlan, DayPlanner, DayRequest


def normalised(request: DayRequest) -> DayRequest:
    """``request`` as the planner reads it: interests are a set of lower-case tags, so their order,
    case and repeats do not matter.

    Examples
    --------
    >>> import datetime as dt
    >>> a = DayRequest(dt.date(2024, 2, 12), "dongjiao-memory", interests=("Pandas", "music", "pandas"))
    >>> normalised(a) == normalised(DayRequest(dt.date(2024, 2, 12), "dongjiao-memory", interests=("music", "pandas")))
    True
    """
    return replace(request, interests=tuple(sorted({tag.lower() for tag in request.interests})))


def sessions_digest(sessions: Iterable[tuple[Event, Occurrence]], *more: object) -> str:
    """A digest of the day's sessions (every field of each event and occurrence, the status
    included) and of ``more`` (the value model): equal when nothing a plan reads has changed.

    Examples
    --------
    >>> import datetime as dt
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> m = load_model(bundled_data_dir())
    >>> day = dt.date(2024, 2, 12)
    >>> sessions = m.events_on(day)
    >>> edited = [(replace(e, status="cancelled"), o) for e, o in sessions]
    >>> sessions_digest(sessions) == sessions_digest(m.events_on(day)), sessions_digest(sessions) == sessions_digest(edited)
    (True, False)
    """
    digest = hashlib.blake2b(digest_size=16)
    for event, occurrence in sessions:
        digest.update(repr((event, occurrence)).encode())  # dataclasses: every field, new ones too
    digest.update(repr(more).encode())
    return digest.hexdigest()


class PlanCache:
    """At most ``maxsize`` day plans (least recently used go first), shared by request threads;
    threads asking together for one missing plan wait for a single search.

    Examples
    --------
    >>> cache = PlanCache(2)
    >>> cache.maxsize, len(cache)
    (2, 0)
    """

    def __init__(self, maxsize: int) -> None:
        self._plans: SharedCache[DayPlan] = SharedCache(maxsize, build_once=True)

    @property
    def maxsize(self) -> int:
        return self._plans.maxsize

    def __len__(self) -> int:
        return len(self._plans)

    def key(self, request: DayRequest, sessions: Iterable[tuple[Event, Occurrence]], *more: object) -> Hashable:
        """What a plan for ``request`` depends on: the normalised request, the day's sessions and ``more``."""
        return normalised(request), sessions_digest(sessions, *more)

    def plan(self, planner: DayPlanner, request: DayRequest) -> DayPlan:
        """The plan ``planner`` makes for ``request``, searched once per key.

        The day's sessions are read now, so a calendar edit gives a new key at once. The plan
        returned carries ``request`` as asked (an equal request may have named its interests in
        another order).
        """
        sessions = list(planner.events_on(request.day))
        key = self.key(request, sessions, getattr(planner, "values", None))
        search = getattr(planner, "search", None)
        if search is None:
            plan = self._plans.get_or_build(key, lambda: DayPlanner.plan(planner, request))
        else:  # elsewhere (a pool of plan workers), with the sessions the key was made of
            plan = self._plans.get_or_build(key, lambda: search(request, sessions))
        return plan if plan.request == request else replace(plan, request=request)

    def clear(self) -> None:
        self._plans.clear()


class CachedDayPlanner(DayPlanner):
    """A :class:`DayPlanner` whose plans come from ``plans`` (built as a DayPlanner is, after ``plans``).

    Examples
    --------
    >>> import datetime as dt
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> from planner.routing.journeys import JourneyPlanner
    >>> m = load_model(bundled_data_dir())
    >>> planner = CachedDayPlanner(PlanCache(8), m, JourneyPlanner.for_model(m))
    >>> request = DayRequest(dt.date(2024, 2, 12), "dongjiao-memory", only=("panda-museum",))
    >>> planner.plan(request) is planner.plan(request)
    True
    """

    def __init__(self, plans: PlanCache, *args: Any,
                 search: Callable[[DayRequest, list[tuple[Event, Occurrence]]], DayPlan] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans = plans
        #: how a plan missing from ``plans`` is searched, given the request and the day's sessions
        #: (a pool of plan workers: planner.composition.plan_pool); None: here, as a DayPlanner does
        self.search = search

    def plan(self, request: DayRequest) -> DayPlan:
        return self.plans.plan(self, request)
