"""Fares of journey legs: Chengdu's metro by distance, buses and the shuttle flat.

The metro charges by the distance ridden between entering and leaving the
paid area, so consecutive metro legs (a change of line inside the stations)
pay one fare together.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FareRules:
    """Fare bands by distance for metro rides, flat fares by route for the rest.

    Examples
    --------
    >>> rules = FareRules(bands=((4, 2.0), (8, 3.0)), beyond_every_km=20, beyond_add_cny=1)
    >>> rules.metro_fare(3500), rules.metro_fare(7900), rules.metro_fare(30000)
    (2.0, 3.0, 5.0)
    """

    bands: tuple[tuple[float, float], ...] = ()  # (up to km, fare)
    beyond_every_km: float = 20.0
    beyond_add_cny: float = 1.0
    flat_by_route: dict[str, float] = field(default_factory=dict)

    def metro_fare(self, metres: float) -> float | None:
        if not self.bands:
            return None
        km = metres / 1000
        for up_to_km, fare in self.bands:
            if km <= up_to_km:
                return fare
        last_km, last_fare = self.bands[-1]
        return last_fare + math.ceil((km - last_km) / self.beyond_every_km) * self.beyond_add_cny

    def route_fare(self, route_id: str) -> float | None:
        return self.flat_by_route.get(route_id)


def fare_rules_from_transit(doc: dict, shuttle_route: str | None = None, shuttle_fare: float | None = None) -> FareRules:
    """Fare rules from the ``fares`` and ``feeders`` sections of transit.yaml."""
    metro = (doc.get("fares") or {}).get("metro") or {}
    bands = tuple((float(b["up_to_km"]), float(b["fare_cny"])) for b in metro.get("bands", []))
    beyond = metro.get("beyond_last_band") or {}
    flat = {f["id"]: float(f["fare_cny"]) for f in doc.get("feeders", []) if "fare_cny" in f}
    if shuttle_route is not None and shuttle_fare is not None:
        flat[shuttle_route] = shuttle_fare
    return FareRules(bands, float(beyond.get("every_km", 20)), float(beyond.get("add_cny", 1)), flat)


def leg_fares(legs: list[dict], rules: FareRules | None) -> list[float | None]:
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
    run_start = None
    run_m = 0.0
    for i, leg in enumerate(legs + [{"mode": "end"}]):
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
    return None if any(f is None for f in fares) else sum(fares)
