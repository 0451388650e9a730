"""The proposed shuttle as timetable trips, to route over beside the feed's."""
from __future__ import annotations

from planner.domain.daytypes import DAY_TYPES
from planner.domain.geo import distance_m
from planner.domain.model import Shuttle
from planner.routing.timetable import ExtraStop, ExtraTrip


def shuttle_stop_id(stop_id: str) -> str:
    return f"shuttle:{stop_id}"


def shuttle_trips(shuttle: Shuttle, day_type: str | None = None) -> tuple[tuple[ExtraStop, ...], tuple[ExtraTrip, ...]]:
    """Stops and trips of the shuttle on a day of ``day_type`` (``None``: its default timetable), both directions.

    The run time of each departure comes from the hourly congestion profile;
    intermediate stops (if any) share it by straight-line distance, plus dwell.
    A trip's id is the same on every day type it runs (its times are too).

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> stops, trips = shuttle_trips(load_model(bundled_data_dir()).shuttle)
    >>> len(stops), trips[0].stop_ids
    (2, ('shuttle:shuttle-dj', 'shuttle:shuttle-panda-south'))
    >>> len(shuttle_trips(load_model(bundled_data_dir()).shuttle, "holiday")[1]) == len(trips)
    True
    """
    stops = tuple(ExtraStop(shuttle_stop_id(s.id), s.name_zh, s.lat, s.lon, s.name_en) for s in shuttle.stops)
    trips: list[ExtraTrip] = []
    for direction, ordered in (("outbound", shuttle.stops), ("inbound", tuple(reversed(shuttle.stops)))):
        hops = [distance_m(a.position, b.position) for a, b in zip(ordered, ordered[1:])]
        total_m = sum(hops) or 1.0
        departures = shuttle.departures_s(direction, day_type)
        for depart in departures:
            run_s = shuttle.run_time_s(depart) - shuttle.dwell_s * (len(ordered) - 2)
            arrivals, leaving, clock = [depart], [depart], depart
            for hop in hops:
                clock += round(run_s * hop / total_m)
                arrivals.append(clock)
                clock += shuttle.dwell_s
                leaving.append(clock)
            leaving[-1] = arrivals[-1]
            trips.append(ExtraTrip(f"{shuttle.id}-{direction}-{depart}", shuttle.id,
                                   tuple(shuttle_stop_id(s.id) for s in ordered),
                                   tuple(arrivals), tuple(leaving)))
    return stops, tuple(trips)


def shuttle_trips_any_day(shuttle: Shuttle) -> tuple[ExtraTrip, ...]:
    """The trips of every day type (and of the default timetable), each once: what runs on some day.

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> shuttle = load_model(bundled_data_dir()).shuttle
    >>> shuttle_trips_any_day(shuttle) == shuttle_trips(shuttle)[1]  # the same timetable every day
    True
    """
    found: dict[str, ExtraTrip] = {}
    for day_type in (None, *DAY_TYPES):
        for trip in shuttle_trips(shuttle, day_type)[1]:
            found.setdefault(trip.trip_id, trip)
    return tuple(found.values())
