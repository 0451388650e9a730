"""Fares of journey legs: Chengdu's metro by distance, buses and the shuttle flat.

The metro charges by the distance ridden between entering and leaving the
paid area, so consecutive metro legs (a change of line inside the stations)
pay one fare together.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from planner.domain.fares import FareRules


def leg_fares(legs: Sequence[Mapping[str, Any]], rules: FareRules | None) -> list[float | None]:
    """The fare of each leg (dicts with mode, route_id, distance_m); None where unknown.

    A run of consecutive metro legs pays one fare, shown on its first leg.

    Examples
    --------
    >>> rules = FareRules(bands=((4, 2.0), (8, 3.0)), flat_by_route={"bus-198": 2.0})
    >>> leg_fares([{"mode": "walk"}, {"mode": "metro", "route_id": "m-8", "distance_m": 900},
    ...            {"mode": "metro", "route_id": "m-7", "distance_m": 5100},
    ...            {"mode": "bus", "route_id": "bus-198", "distance_m": 3700}], rules)
    [0.0, 3.0, 0.0, 2.0]
    """
    fares: list[float | None] = []
    run_start: int | None = None
    run_m = 0.0
    for i, leg in enumerate([*legs, {"mode": "end"}]):
        if leg["mode"] == "metro":
            if run_start is None:
                run_start, run_m = i, 0.0
            run_m += leg["distance_m"]
            fares.append(0.0)
            continue
        if run_start is not None:
            fares[run_start] = rules.metro_fare(run_m) if rules else None
            run_start = None
        if leg["mode"] == "end":
            break
        if leg["mode"] in ("walk", "wait"):
            fares.append(0.0)
        else:
            fares.append(rules.route_fare(leg["route_id"]) if rules else None)
    return fares


def total_fare(fares: list[float | None]) -> float | None:
    """The sum of leg fares, or None when any is unknown."""
    known = [f for f in fares if f is not None]
    return None if len(known) < len(fares) else sum(known)
