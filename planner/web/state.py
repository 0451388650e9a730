"""The loaded model and graph, built once per app and shared by the views."""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import networkx as nx
from flask import Flask, current_app

from ..loading import load_model
from ..model import Model
from ..network import build_graph, hang_events
from ..routing.journeys import JourneyPlanner
from ..store import EventStore, UserStore


@dataclass
class PlannerState:
    model: Model
    network: nx.MultiDiGraph
    journeys: JourneyPlanner
    # set by planner.web.database: the event calendar and the accounts; from then on
    # ``model`` reads its events from the calendar (planner.store.live)
    calendar: EventStore | None = None
    accounts: UserStore | None = None
    # comparisons already computed: transit data do not change while the app runs
    comparisons: OrderedDict = field(default_factory=OrderedDict)
    _events_revision: tuple | None = None

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The network, its venues carrying the calendar's events as they are now."""
        if self.calendar is not None:
            revision = self.calendar.revision()
            if revision != self._events_revision:
                hang_events(self.network, self.model.events.values())
                self._events_revision = revision
        return self.network


def init_state(app: Flask) -> None:
    model = load_model(app.config["DATA_DIR"], app.config.get("GTFS_PATH"))
    planner = JourneyPlanner.for_model(model)
    app.extensions["planner"] = PlannerState(model=model, network=build_graph(model), journeys=planner)


def state() -> PlannerState:
    return current_app.extensions["planner"]
