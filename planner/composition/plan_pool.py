"""Day plans off the page-serving threads: a bounded pool of plan workers with a bounded queue.

A day plan is seconds of pure-Python search; run on a request thread it holds the interpreter's
lock and every page of that process waits behind it. So the web process only reads what a plan
depends on that may change while the app runs (the day's sessions from the calendar, the events a
request names, the selected shuttle, the value model's weights: a :class:`PlanJob`) and hands it to
``plan_workers`` worker processes, which load the data once at their start and keep their own
timetables and profile slices (warm for every later plan of a date). The day plans' cache
(:class:`planner.itinerary.plan_cache.PlanCache`) stays in the web process, keyed by request and
events, so an equal request never reaches the pool.

Budgets (issue 14): at most ``plan_workers`` plans run and ``plan_queue_max`` wait; one more is
refused at once with :class:`planner.domain.errors.Busy` (503, ``Retry-After``, limit
``plan_queue_max``); a visitor waits ``plan_deadline_s`` at most, then Busy (limit ``plan_deadline_s``;
a plan still queued is dropped, one running finishes and is forgotten).

Modes: ``processes`` (spawned workers; the server's default) or ``threads`` (the plan runs in a thread
of the web process over its own planners: tests, and a process that may not start others). With
``planner serve --workers N`` every app process owns a pool: keep ``N * plan_workers`` at about the
number of cores (README, "Day plans off the page threads").
"""
from __future__ import annotations

import atexit
import collections
import copy
import gc
import hashlib
import logging
import math
import multiprocessing
import os
import pickle
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Literal

from planner.composition.settings import Settings
from planner.domain.errors import Busy
from planner.domain.model import Event, Model, Occurrence, Shuttle
from planner.itinerary.daytrip import DayPlan, DayPlanner, DayRequest
from planner.itinerary.values import ValueModel
from planner.routing.journeys import JourneyPlanner

log = logging.getLogger(__name__)

Mode = Literal["processes", "threads"]


@dataclass(frozen=True)
class PlanJob:
    """What a plan depends on beyond the data files, read in the web process at the request.

    ``sessions``: the day's sessions as the calendar has them now; ``events``: the calendar's events
    that the request names (its must-sees), so a worker knows an event staff added; ``shuttle``: the
    selected scenario's shuttle (None: the data's), ``shuttle_key`` a digest of it.
    """

    request: DayRequest
    sessions: tuple[tuple[Event, Occurrence], ...]
    events: tuple[tuple[str, Event], ...]
    values: ValueModel
    shuttle: Shuttle | None = None
    shuttle_key: str = ""


def make_job(request: DayRequest, sessions: Iterable[tuple[Event, Occurrence]], model: Model,
             values: ValueModel, shuttle: Shuttle | None) -> PlanJob:
    """The job of ``request``: ``shuttle`` None or the data's when the data's shuttle is selected.

    Examples
    --------
    >>> import datetime as dt
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> m = load_model(bundled_data_dir())
    >>> job = make_job(DayRequest(dt.date(2024, 2, 12), "dongjiao-memory", must=("dj-standup-comedy-2024",)),
    ...                m.events_on(dt.date(2024, 2, 12)), m, ValueModel(), m.shuttle)
    >>> job.shuttle is None, [ref for ref, _ in job.events]
    (True, ['dj-standup-comedy-2024'])
    """
    named = []
    for ref in dict.fromkeys(request.must):
        if ref not in model.places:
            event = model.events.get(ref)
            if event is not None:
                named.append((ref, event))
    if shuttle is not None and shuttle == model.shuttle:
        shuttle = None
    key = "" if shuttle is None else hashlib.blake2b(pickle.dumps(shuttle), digest_size=16).hexdigest()
    return PlanJob(request, tuple(sessions), tuple(named), values, shuttle, key)


def plan_job(job: PlanJob, model: Model, journeys: JourneyPlanner) -> DayPlan:
    """The plan of ``job`` over ``model`` (its places, sites, data events) and ``journeys``."""
    view = copy.copy(model)  # the model with the calendar's events the request names (a worker's are the data's)
    view.events = collections.ChainMap(dict(job.events), model.events)  # type: ignore[arg-type]
    sessions = list(job.sessions)
    return DayPlanner(view, journeys, lambda day: sessions, job.values).plan(job.request)


# --- the worker processes' side

class _Worker:
    """A worker process's data and planners, loaded once at its start."""

    def __init__(self, settings: Settings) -> None:
        from planner.composition.services import journey_cache_sizes
        from planner.sources.datafiles import load_model

        self.settings = settings
        self.model = load_model(settings.data_dir, settings.gtfs_path)
        # a worker keeps as many timetables as a web process (timetable_cache_size)
        self.journeys = JourneyPlanner.for_model(self.model, **journey_cache_sizes(settings))
        self._other: tuple[str, JourneyPlanner] | None = None  # another scenario's shuttle: the last one asked

    def journeys_for(self, job: PlanJob) -> JourneyPlanner:
        if job.shuttle is None:
            return self.journeys
        if self._other is None or self._other[0] != job.shuttle_key:
            from planner.composition.services import replace_shuttle

            self._other = (job.shuttle_key, replace_shuttle(self.journeys, job.shuttle))
        return self._other[1]


_WORKER: _Worker | None = None


def _start_worker(settings: Settings) -> None:
    global _WORKER
    _WORKER = _Worker(settings)
    # The data just loaded (model, feed, planners) live as long as the worker: out of the cyclic
    # collector's sight, so that its full collections no longer walk them (gc.freeze).
    gc.collect()
    gc.freeze()


def _run_in_worker(job: PlanJob) -> DayPlan:
    """The plan of ``job``, with the cyclic garbage collector paused while it is searched.

    A search makes ~60,000 labels (tuples, which the collector tracks) that live a layer or two and are
    freed by their reference counts; counted as new objects, they started ~1,400 collections per 30
    plans, a quarter of the worker's CPU (measured: 230 -> 176 ms per plan of the benchmark's mix on a
    busy machine, the same plans). The collector runs again between plans; a worker plans one
    job at a time, so nothing else runs meanwhile.
    """
    assert _WORKER is not None, "a plan worker runs _start_worker first"
    journeys = _WORKER.journeys_for(job)
    gc.disable()
    try:
        return plan_job(job, _WORKER.model, journeys)
    finally:
        gc.enable()


def _ready() -> int:
    return os.getpid()


# --- the web process's side

class PlanPool:
    """Runs plans on ``workers`` workers, ``queue_max`` waiting at most, each waited for ``deadline_s``.

    ``local``: in ``threads`` mode, how a job is planned in this process (the app's own model and
    journey planner). ``settings`` is what a worker process loads its data by.

    Examples
    --------
    >>> import datetime as dt
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> m = load_model(bundled_data_dir())
    >>> jp = JourneyPlanner.for_model(m)
    >>> pool = PlanPool(Settings(), "threads", workers=1, queue_max=1, deadline_s=60,
    ...                 local=lambda job: plan_job(job, m, jp))
    >>> request = DayRequest(dt.date(2024, 2, 12), "dongjiao-memory", only=("panda-museum",))
    >>> job = make_job(request, m.events_on(request.day), m, ValueModel(), None)
    >>> "panda-museum" in [step.item.ref for step in pool.plan(job).steps]
    True
    >>> pool.close()
    """

    def __init__(self, settings: Settings, mode: Mode, workers: int, queue_max: int, deadline_s: float,
                 local: Callable[[PlanJob], DayPlan] | None = None) -> None:
        if mode == "threads" and local is None:
            raise ValueError("threads mode plans with local(job): give it")
        self.settings, self.mode, self.workers = settings, mode, max(1, workers)
        self.queue_max, self.deadline_s, self.local = queue_max, deadline_s, local
        self._lock = threading.Lock()
        self._in_flight = 0  # submitted and not done (running or queued)
        self._recent_s: collections.deque[float] = collections.deque(maxlen=32)  # the last plans' times
        self._executor: Executor | None = None
        self._closed = False

    @property
    def in_flight(self) -> int:
        """Plans running or waiting now."""
        with self._lock:
            return self._in_flight

    def _make_executor(self) -> Executor:
        if self.mode == "threads":
            return ThreadPoolExecutor(self.workers, thread_name_prefix="plan")
        # spawn: a worker inherits no locks, threads or database connections of the web process
        context = multiprocessing.get_context("spawn")
        executor = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_start_worker,
                                       initargs=(self.settings,))
        log.info("day plans: %d worker processes", self.workers)
        return executor

    def start(self) -> PlanPool:
        """Start the workers now (they load the data: a few seconds) rather than at the first plan."""
        with self._lock:
            if self._executor is None:
                self._executor = self._make_executor()
                if self.mode == "processes":
                    for _ in range(self.workers):
                        self._executor.submit(_ready)
        return self

    def expected_wait_s(self, ahead: int) -> int:
        """Seconds until ``ahead`` plans before this one are done, by the recent plans' times."""
        with self._lock:
            mean_s = sum(self._recent_s) / len(self._recent_s) if self._recent_s else 1.0
        return max(1, math.ceil(mean_s * (ahead + 1) / self.workers))

    def plan(self, job: PlanJob) -> DayPlan:
        """The plan of ``job``, computed by a worker.

        Raises
        ------
        planner.domain.errors.Busy
            ``limit="plan_queue_max"`` when ``workers + queue_max`` plans are already running or
            waiting; ``limit="plan_deadline_s"`` when the plan is not done within ``deadline_s``.
        planner.domain.errors.BadRequest
            As :meth:`planner.itinerary.daytrip.DayPlanner.plan` raises it.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the plan pool is closed")
            ahead = self._in_flight
            admitted = ahead < self.workers + self.queue_max
            if admitted:
                self._in_flight += 1
        if not admitted:
            raise Busy(what="day_plans", limit="plan_queue_max", limit_value=self.queue_max,
                       retry_after_s=self.expected_wait_s(ahead))
        started = time.monotonic()
        try:
            future = self._submit(job)
        except BaseException:
            self._done(None)
            raise
        future.add_done_callback(self._done)
        try:
            plan = future.result(timeout=max(0.0, self.deadline_s - (time.monotonic() - started)))
        except FutureTimeout:
            future.cancel()  # still queued: dropped; running: it finishes, and nobody waits for it
            raise Busy(what="day_plans", limit="plan_deadline_s", limit_value=self.deadline_s,
                       retry_after_s=self.expected_wait_s(self.in_flight)) from None
        except BrokenProcessPool:  # a worker died under this plan (killed, out of memory): new ones start
            log.warning("day plans: a worker process died; starting the pool again")
            self._drop_broken()
            raise Busy(what="day_plans", limit="plan_workers", limit_value=self.workers,
                       retry_after_s=self.expected_wait_s(0)) from None
        return plan

    def _drop_broken(self) -> None:
        with self._lock:
            executor = self._executor
            broken = getattr(executor, "_broken", False)
            if broken:
                self._executor = None
        if broken and executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

    def _submit(self, job: PlanJob) -> Future[DayPlan]:
        for attempt in (1, 2):
            with self._lock:
                if self._executor is None:
                    self._executor = self._make_executor()
                executor = self._executor
            try:
                if self.mode == "threads":
                    assert self.local is not None
                    return executor.submit(self.local, job)
                return executor.submit(_run_in_worker, job)
            except BrokenProcessPool:  # a worker died (killed, out of memory): start new ones, once
                log.warning("day plans: a worker process died; starting the pool again")
                with self._lock:
                    if self._executor is executor:
                        self._executor = None
                executor.shutdown(wait=False, cancel_futures=True)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _done(self, future: Future[DayPlan] | None) -> None:
        with self._lock:
            self._in_flight -= 1
            if future is not None and not future.cancelled() and future.exception() is None:
                plan = future.result()
                self._recent_s.append(plan.seconds)

    def close(self) -> None:
        """Stop the workers (plans waiting are dropped)."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


def pool_mode(settings: Settings, testing: bool) -> Mode:
    """``settings.plan_pool``, with ``auto``: threads for an app under test, else processes."""
    if settings.plan_pool == "auto":
        return "threads" if testing else "processes"
    return settings.plan_pool


def plan_workers(settings: Settings) -> int:
    """``settings.plan_workers``, 0 meaning one per CPU this process may use."""
    if settings.plan_workers:
        return settings.plan_workers
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


_POOLS: weakref.WeakSet[PlanPool] = weakref.WeakSet()


def make_pool(settings: Settings, mode: Mode, local: Callable[[PlanJob], DayPlan] | None = None) -> PlanPool:
    """A pool by the settings' budgets; closed when the process exits."""
    pool = PlanPool(settings, mode, plan_workers(settings), settings.plan_queue_max, settings.plan_deadline_s,
                    local)
    _POOLS.add(pool)
    return pool


@atexit.register
def _close_pools() -> None:
    for pool in list(_POOLS):
        pool.close()
