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

from planner.composition.settings import Settings
from planner.domain.caches import SharedCache
from planner.domain.errors import DataError
from planner.domain.model import Model, NetworkParams
from planner.itinerary.plan_cache import PlanCache
from planner.routing.compare import Comparison
from planner.routing.journeys import CacheSizes, JourneyPlanner
from planner.routing.network import build_graph, hang_events
from planner.simulation.scenario import scenario_from_shuttle
from planner.sources.datafiles import load_model, load_params
from planner.sources.gtfs import Feed
from planner.store import Database, EventStore, UserStore, database_url, open_database
from planner.store.live import live_model

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What every request or command works with.

    ``model`` reads its events from the calendar once the database is open;
    ``comparisons`` (whole-day comparisons), ``plans`` (day plans by request
    and the day's events) and ``feeds`` (iCalendar feeds as served) are bounded
    caches request threads share.
    """

    settings: Settings
    model: Model
    network: nx.MultiDiGraph
    journeys: JourneyPlanner
    database: Database | None = None
    comparisons: SharedCache[Comparison] = field(default_factory=lambda: SharedCache(32))
    plans: PlanCache = field(default_factory=lambda: PlanCache(256))
    feeds: SharedCache[bytes] = field(default_factory=lambda: SharedCache(64))
    _events_revision: Any = None
    _graph_lock: threading.Lock = field(default_factory=threading.Lock)

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

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


def build_services(settings: Settings, *, with_database: bool = True, hasher: Any = None) -> Services:
    """Load the data and open the database named by ``settings``.

    Raises
    ------
    planner.domain.errors.DataError
        When the data files fail validation (every problem listed).
    """
    model = load_logged_model(settings)
    services = Services(settings=settings, model=model, network=build_graph(model),
                        journeys=JourneyPlanner.for_model(model, **journey_cache_sizes(settings)),
                        comparisons=SharedCache(settings.comparison_cache_size),
                        plans=PlanCache(settings.plan_cache_size),
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
    """A journey planner over the data of ``settings``, or over another GTFS ``feed`` (read from
    ``source``) with their walking rules; the feed's warnings are logged either way.

    Raises
    ------
    planner.domain.errors.DataError
        When the data files fail validation.
    """
    if feed is None:
        return JourneyPlanner.for_model(load_logged_model(settings), **journey_cache_sizes(settings))
    log_feed_warnings(feed, source)
    params, _ = load_params(settings.data_dir / "network.yaml")
    return JourneyPlanner(feed, params or NetworkParams(), **journey_cache_sizes(settings))


def journey_cache_sizes(settings: Settings) -> CacheSizes:
    """The journey planner's cache sizes, as its constructor takes them."""
    return CacheSizes(timetable_cache_size=settings.timetable_cache_size,
                      endpoint_cache_size=settings.endpoint_cache_size,
                      profile_slice_cache_size=settings.profile_slice_cache_size)


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
