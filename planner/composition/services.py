"""The planner's services, built once from the settings, for the web app and the CLI alike.

:func:`build_services` loads the data, builds the network and the journey
planner, opens (migrates, seeds) the database and wires the live calendar into
the model. Nothing here imports Flask.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from planner.composition.jobs import JobQueue, LocalJobQueue, make_queue
from planner.composition.settings import Settings
from planner.domain.caches import SharedCache
from planner.domain.errors import DataError
from planner.domain.model import Model, NetworkParams, Shuttle
from planner.itinerary.plan_cache import PlanCache
from planner.routing.compare import Comparison
from planner.routing.journeys import CacheSizes, JourneyPlanner
from planner.routing.network import build_graph, hang_events
from planner.simulation.scenario import scenario_from_shuttle, scenario_to_record
from planner.sources.datafiles import load_model, load_params
from planner.sources.gtfs import Feed
from planner.store import Database, EventStore, ScenarioStore, UserStore, database_url, open_database
from planner.store.live import live_model
from planner.store.scenarios import read_selected

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What every request or command works with.

    ``model`` reads its events from the calendar once the database is open;
    ``comparisons`` (whole-day comparisons), ``plans`` (day plans by request
    and the day's events) and ``feeds`` (iCalendar feeds as served) are bounded
    caches request threads share.

    The shuttle of ``journeys`` (and so of the comparisons and the day plans) is the selected
    scenario's (:meth:`planner.store.scenarios.ScenarioStore.selected`), read at every use: a new
    selection, or a new version of the selected scenario, brings a journey planner of its own
    (its timetables built for that shuttle) and empty comparison and plan caches, so nothing made
    for another shuttle is served. While the proposal is selected as data/shuttle.yaml has it, the
    planner over the data (``data_journeys``) serves.
    """

    settings: Settings
    model: Model
    network: nx.MultiDiGraph
    data_journeys: JourneyPlanner
    database: Database | None = None
    _comparisons: SharedCache[Comparison] = field(default_factory=lambda: SharedCache(32))
    _plans: PlanCache = field(default_factory=lambda: PlanCache(256))
    feeds: SharedCache[bytes] = field(default_factory=lambda: SharedCache(64))
    _events_revision: Any = None
    _graph_lock: threading.Lock = field(default_factory=threading.Lock)
    _shuttle_key: tuple[str, int] | None = None  # (scenario id, version) the planner below serves
    _selected_journeys: JourneyPlanner | None = None
    _data_record: dict | None = None  # the proposal as data/shuttle.yaml has it, as a scenario record
    _selection_lock: threading.Lock = field(default_factory=threading.Lock)
    _queue: JobQueue | None = None

    @property
    def journeys(self) -> JourneyPlanner:
        """The journey planner whose shuttle is the selected scenario's."""
        self._follow_selection()
        return self._selected_journeys or self.data_journeys

    @property
    def comparisons(self) -> SharedCache[Comparison]:
        """Whole-day comparisons made with the selected scenario's shuttle."""
        self._follow_selection()
        return self._comparisons

    @property
    def plans(self) -> PlanCache:
        """Day plans made with the selected scenario's shuttle."""
        self._follow_selection()
        return self._plans

    def journeys_and_plans(self) -> tuple[JourneyPlanner, PlanCache]:
        """The journey planner and the day plans' cache of one selection, read together under the
        selection lock: a plan made with one shuttle is never kept in the cache of another (read apart,
        a selection changing between the two reads would pair the old shuttle with the new cache)."""
        self._follow_selection()
        with self._selection_lock:
            return self._selected_journeys or self.data_journeys, self._plans

    @property
    def scenarios(self) -> ScenarioStore:
        """The shuttle scenarios in the database."""
        return self._open_database().scenarios

    @property
    def queue(self) -> JobQueue:
        """The job queue of sweeps: RQ on ``redis_url`` when set, else a local pool (made at first use)."""
        with self._selection_lock:
            if self._queue is None:
                self._queue = make_queue(self.settings.redis_url, self.settings.job_workers)
            return self._queue

    def _follow_selection(self) -> None:
        if self.database is None:
            return
        stored = self.database.scenarios.selected_stored()
        with self._selection_lock:
            if stored.key == self._shuttle_key:
                return
            if self._data_record is None:
                self._data_record = scenario_to_record(scenario_from_shuttle(self.model.shuttle))
            as_data = stored.record == self._data_record
            self._selected_journeys = None if as_data else replace_shuttle(self.data_journeys,
                                                                           stored.scenario.to_shuttle())
            if self._shuttle_key is not None:  # made for another shuttle: start again
                self._comparisons = SharedCache(self._comparisons.maxsize)
                self._plans = PlanCache(self._plans.maxsize)
            self._shuttle_key = stored.key
            log.info("shuttle: scenario %s version %s%s", stored.id, stored.version, " (as data/)" if as_data else "")

    @property
    def calendar(self) -> EventStore:
        """The calendar's events in the database (the web app and the calendar commands open it)."""
        return self._open_database().events

    @property
    def accounts(self) -> UserStore:
        """The accounts in the database."""
        return self._open_database().users

    def _open_database(self) -> Database:
        if self.database is None:
            raise RuntimeError("no database: these services were built with with_database=False")
        return self.database

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The network, its venues carrying the calendar's events as they are now."""
        if self.database is not None:
            # the revision is read under the lock too: a slower thread must not record an older one
            with self._graph_lock:
                revision = self.database.events.revision()
                if revision != self._events_revision:
                    hang_events(self.network, self.model.events.values())
                    self._events_revision = revision
        return self.network

    def readiness(self) -> list[str]:
        """What keeps this process from serving: empty when the data are loaded and the database answers
        at the schema's head revision (one small query; ``/readyz`` asks it).

        Examples
        --------
        >>> services = build_services(Settings(), with_database=False)
        >>> services.readiness()
        ['no database']
        """
        problems = [] if self.model.places else ["no places loaded"]
        if self.database is None:
            return [*problems, "no database"]
        from planner.store.db import current_revision

        try:
            current = current_revision(self.database.engine)
        except Exception as exc:  # noqa: BLE001 - any fault of the database is an answer here: not ready
            return [*problems, f"database unreachable: {type(exc).__name__}"]
        head = _head_revision()
        if current != head:
            problems.append(f"database at migration {current}, not {head}: run `planner db upgrade`")
        return problems

    def cache_sizes(self) -> dict[str, int]:
        """Entries in each per-process cache now (for /metrics); each is bounded by its setting.

        Reads no database: the journey planner is the one serving now, as last followed.
        """
        journeys = self._selected_journeys or self.data_journeys
        sizes = {"comparisons": len(self._comparisons), "plans": len(self._plans), "feeds": len(self.feeds),
                 "timetables": _entries(journeys, "_timetables"), "endpoints": _entries(journeys, "_endpoints"),
                 "profile_slices": _entries(journeys, "profile_slices")}
        if self.database is not None:
            sizes["events"] = _entries(self.database.events, "_events")
            sizes["scenarios"] = _entries(self.database.scenarios, "_parsed")
        return sizes

    def close(self) -> None:
        if self.database is not None:
            self.database.close()
        if isinstance(self._queue, LocalJobQueue):
            self._queue.close()


def _entries(owner: object, cache: str) -> int:
    """The entries of ``owner``'s cache named ``cache`` (0 when it has none of that name)."""
    found = getattr(owner, cache, None)
    return len(found) if found is not None else 0


_HEAD: list[str] = []


def _head_revision() -> str:
    """The migrations' head revision, read from their folder once per process."""
    if not _HEAD:
        from planner.store.db import head_revision

        _HEAD.append(head_revision())
    return _HEAD[0]


def build_services(settings: Settings, *, with_database: bool = True, hasher: Any = None) -> Services:
    """Load the data and open the database named by ``settings``.

    Raises
    ------
    planner.domain.errors.DataError
        When the data files fail validation (every problem listed).
    """
    model = load_logged_model(settings)
    services = Services(settings=settings, model=model, network=build_graph(model),
                        data_journeys=JourneyPlanner.for_model(model, **journey_cache_sizes(settings)),
                        _comparisons=SharedCache(settings.comparison_cache_size),
                        _plans=PlanCache(settings.plan_cache_size),
                        feeds=SharedCache(settings.feed_cache_size))
    if with_database:
        open_calendar(services, hasher=hasher)
    return services


def load_logged_model(settings: Settings) -> Model:
    """The data of ``settings`` (validated), its feed's warnings logged.

    Raises
    ------
    planner.domain.errors.DataError
        When the data files fail validation (every problem listed).
    """
    try:
        model = load_model(settings.data_dir, settings.gtfs_path)
    except DataError as exc:  # the feed's warnings first: they often say why it failed
        log_gtfs_warnings(exc.warnings, settings.gtfs_dir)
        raise
    log_feed_warnings(model.feed, settings.gtfs_dir)
    return model


def build_journey_planner(settings: Settings, feed: Feed | None = None, source: Path | str = "") -> JourneyPlanner:
    """A journey planner over the data of ``settings`` (its shuttle the selected scenario's when the
    database selects one: :func:`selected_shuttle`), or over another GTFS ``feed`` (read from
    ``source``) with their walking rules; the feed's warnings are logged either way.

    Raises
    ------
    planner.domain.errors.DataError
        When the data files fail validation.
    """
    if feed is None:
        model = load_logged_model(settings)
        planner = JourneyPlanner.for_model(model, **journey_cache_sizes(settings))
        shuttle = selected_shuttle(settings, model)
        return planner if shuttle is None else replace_shuttle(planner, shuttle)
    log_feed_warnings(feed, source)
    params, _ = load_params(settings.data_dir / "network.yaml")
    return JourneyPlanner(feed, params or NetworkParams(), **journey_cache_sizes(settings))


def selected_shuttle(settings: Settings, model: Model) -> Shuttle | None:
    """The selected scenario's shuttle when the database of ``settings`` exists and selects one other
    than the proposal as data/ has it; None otherwise (the data's shuttle then serves). Creates and
    migrates nothing: for the commands that run without the database (``planner compare``, ``route``)."""
    stored = read_selected(database_url(settings.database_url, settings.instance_dir))
    if stored is None or stored.record == scenario_to_record(scenario_from_shuttle(model.shuttle)):
        return None
    log.info("shuttle: scenario %s version %s (selected in the database)", stored.id, stored.version)
    return stored.scenario.to_shuttle()


def journey_cache_sizes(settings: Settings) -> CacheSizes:
    """The journey planner's cache sizes, as its constructor takes them."""
    return CacheSizes(timetable_cache_size=settings.timetable_cache_size,
                      endpoint_cache_size=settings.endpoint_cache_size,
                      profile_slice_cache_size=settings.profile_slice_cache_size)


def replace_shuttle(planner: JourneyPlanner, shuttle: Shuttle) -> JourneyPlanner:
    """A journey planner like ``planner`` (feed, places, walking rules, cache sizes) with another
    shuttle, and caches of its own: its timetables are built for that shuttle."""
    return JourneyPlanner(planner.feed, planner.params, planner.places, planner.sites, shuttle, planner.fares,
                          timetable_cache_size=planner.timetable_cache_size,
                          endpoint_cache_size=planner.endpoint_cache_size,
                          profile_slice_cache_size=planner.profile_slice_cache_size)


def log_feed_warnings(feed: Feed, where: Path | str) -> None:
    """Each of the feed's warnings (rows skipped, a wrong encoding ...) as a warning of the log.

    The message starts with the warning itself (the CLI prints it as ``warning: <message>``).
    """
    log_gtfs_warnings(feed.warnings, where)


def log_gtfs_warnings(warnings: Iterable[str], where: Path | str) -> None:
    """Each GTFS warning as a warning of the log: a feed's, or a :class:`planner.sources.gtfs.GtfsError`'s
    (what reading found before it gave up)."""
    for warning in warnings:
        log.warning("%s (GTFS feed %s)", warning, where)


def open_calendar(services: Services, *, hasher: Any = None) -> Database:
    """Open the database (migrating it unless told not to), seed the events and the shuttle proposal of
    data/ once, go live."""
    settings = services.settings
    url = database_url(settings.database_url, settings.instance_dir)
    from planner.domain.recurrence import set_max_sessions
    from planner.store.ical import set_import_workers

    set_max_sessions(settings.max_sessions_per_series)  # before any series is expanded (seeding stores sessions)
    set_import_workers(settings.import_workers, settings.import_parallel_from)
    db = open_database(url, services.model.places, migrate=settings.database_auto_migrate, hasher=hasher,
                       event_cache_size=settings.event_cache_size)
    db.events.seed_from(services.model.events.values())
    db.scenarios.seed_from(scenario_from_shuttle(services.model.shuttle))  # the proposal, once
    services.database = db
    services.model = live_model(services.model, db.events)
    log.info("database %s", db.engine.url.render_as_string(hide_password=True))
    return db
