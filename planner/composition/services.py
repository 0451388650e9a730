"""The planner's services, built once from the settings, for the web app and the CLI alike.

:func:`build_services` loads the data, builds the network and the journey
planner, opens (migrates, seeds) the database and wires the live calendar into
the model. Nothing here imports Flask.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from cachetools import LRUCache

from planner.composition.settings import Settings
from planner.domain.model import Model
from planner.routing.journeys import JourneyPlanner
from planner.routing.network import build_graph, hang_events
from planner.sources.datafiles import load_model
from planner.store import Database, EventStore, UserStore, database_url, open_database
from planner.store.live import live_model

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What every request or command works with.

    ``model`` reads its events from the calendar once the database is open;
    ``comparisons`` is a bounded, locked cache of whole-day comparisons.
    """

    settings: Settings
    model: Model
    network: nx.MultiDiGraph
    journeys: JourneyPlanner
    database: Database | None = None
    comparisons: LRUCache = field(default_factory=lambda: LRUCache(32))
    comparisons_lock: threading.Lock = field(default_factory=threading.Lock)
    _events_revision: Any = None
    _graph_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def calendar(self) -> EventStore | None:
        return self.database.events if self.database else None

    @property
    def accounts(self) -> UserStore | None:
        return self.database.users if self.database else None

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The network, its venues carrying the calendar's events as they are now."""
        if self.calendar is not None:
            revision = self.calendar.revision()
            with self._graph_lock:
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
    model = load_model(settings.data_dir, settings.gtfs_path)
    for warning in model.feed.warnings:
        log.warning("GTFS %s: %s", settings.gtfs_dir, warning)
    services = Services(settings=settings, model=model, network=build_graph(model),
                        journeys=JourneyPlanner.for_model(model, timetable_cache_size=settings.timetable_cache_size),
                        comparisons=LRUCache(settings.comparison_cache_size))
    if with_database:
        open_calendar(services, hasher=hasher)
    return services


def open_calendar(services: Services, *, hasher: Any = None) -> Database:
    """Open the database (migrating it unless told not to), seed the events of data/ once, go live."""
    settings = services.settings
    url = database_url(settings.database_url, settings.instance_dir)
    db = open_database(url, services.model.places, migrate=settings.database_auto_migrate, hasher=hasher)
    db.events.seed_from(services.model.events.values())
    services.database = db
    services.model = live_model(services.model, db.events)
    log.info("database %s", db.engine.url.render_as_string(hide_password=True))
    return db
