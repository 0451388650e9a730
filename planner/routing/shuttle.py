"""The proposed shuttle as timetable trips, to route over beside the feed's."""
from __future__ import annotations

from planner.domain.geo import distance_m
from planner.domain.model import Shuttle
from planner.routing.timetable import ExtraStop, ExtraTrip


def shuttle_stop_id(stop_id: str) -> str:
    return f"shuttle:{stop_id}"


def shuttle_trips(shuttle: Shuttle) -> tuple[tuple[ExtraStop, ...], tuple[ExtraTrip, ...]]:
    """Stops and trips of the shuttle's default timetable, both directions.

    The run time of each departure comes from the hourly congestion profile;
    intermediate stops (if any) share it by straight-line distance, plus dwell.

    Examples
    --------
    >>> from planner.sources.datafiles import load_model
    >>> from planner.domain.paths import bundled_data_dir
    >>> stops, trips = shuttle_trips(load_model(bundled_data_dir()).shuttle)
    >>> len(stops), trips[0].stop_ids
    (2, ('shuttle:shuttle-dj', 'shuttle:shuttle-panda-south'))
    """
    stops = tuple(ExtraStop(shuttle_stop_id(s.id), s.name_zh, s.lat, s.lon, s.name_en) for s in shuttle.stops)
    trips: list[ExtraTrip] = []
    for direction, ordered in (("outbound", shuttle.stops), ("inbound", tuple(reversed(shuttle.stops)))):
        hops = [distance_m(a.position, b.position) for a, b in zip(ordered, ordered[1:])]
        total_m = sum(hops) or 1.0
        departures = shuttle.departures_s(direction)
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
