"""What a simulated day needs from the rest of the planner: the day's calendar sessions and today's
transit between the scenario's terminals (from the journey planner, without the shuttle), for the
CLI and the web pages alike.
"""
from __future__ import annotations

import datetime as dt

from planner.domain.errors import PlannerError
from planner.routing.compare import transit_minutes
from planner.routing.journeys import JourneyPlanner, Options
from planner.simulation.daytypes import day_type
from planner.simulation.scenario import DIRECTIONS, Scenario, ScenarioStop
from planner.simulation.simulate import SimulationRequest

#: passengers reach a stop up to an hour before the first bus (B's demand curves start at the hour):
#: today's transit is measured from an hour before the first departure
LEAD_S = 3600
DAY_MINUTES = 1440


def _endpoint(stop: ScenarioStop) -> str:
    return stop.place_id or f"{stop.lat:.5f},{stop.lon:.5f}"


def transit_door_s(journeys: JourneyPlanner, scenario: Scenario, day: dt.date) -> dict[str, list[int | None]]:
    """Today's door-to-door transit time (s, without the shuttle) from each direction's first stop to
    its last, by departure minute of ``day`` (index 0 = 00:00), None where no journey or outside the
    scenario's service (from an hour before its first departure to its last). A direction without
    departures, or that transit cannot answer, is all None.

    Examples
    --------
    >>> from planner.domain.paths import bundled_data_dir
    >>> from planner.sources.datafiles import load_model
    >>> from planner.simulation.scenario import scenario_from_shuttle
    >>> m = load_model(bundled_data_dir())
    >>> doors = transit_door_s(JourneyPlanner.for_model(m), scenario_from_shuttle(m.shuttle), dt.date(2024, 3, 5))
    >>> len(doors["outbound"]), doors["outbound"][0], 1200 < doors["outbound"][8 * 60] < 7200
    (1440, None, True)
    """
    kind = day_type(day)
    doors: dict[str, list[int | None]] = {}
    for direction in DIRECTIONS:
        minutes: list[int | None] = [None] * DAY_MINUTES
        departures = [d for d in scenario.departures_s(kind, direction) if d < DAY_MINUTES * 60]
        if departures:
            start_s = max(0, (departures[0] - LEAD_S) // 60 * 60)
            end_s = departures[-1] // 60 * 60
            first, last = scenario.terminals(direction)
            stops = {s.id: s for s in scenario.stops}
            try:
                origin = journeys.resolve(_endpoint(stops[first]), "from")
                dest = journeys.resolve(_endpoint(stops[last]), "to")
                _, source, found = journeys.profile(origin, dest, day, start_s, end_s, Options(), resolution_s=60)
                for minute in transit_minutes(found, source, start_s, end_s):
                    minutes[minute.depart_s // 60] = minute.door_s
            except PlannerError:  # no transit that day (outside the feed), or unreachable: no saving to count
                pass
        doors[direction] = minutes
    return doors


def simulation_request(journeys: JourneyPlanner, model_events_on, places, scenario: Scenario, day: dt.date,
                       replications: int = 10, seed: int = 1) -> SimulationRequest:
    """The request to simulate ``scenario`` on ``day``: that day's sessions (``model_events_on(day)``,
    e.g. ``Model.events_on``), the places (a venue's site), and today's transit for the minutes saved."""
    return SimulationRequest(scenario, day, replications=replications, seed=seed,
                             sessions=tuple(model_events_on(day)), places=places,
                             transit_door_s=transit_door_s(journeys, scenario, day))
