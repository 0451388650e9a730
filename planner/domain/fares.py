"""Fare rules: Chengdu's metro by distance bands, buses and the shuttle flat by route."""
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
    #: track length over the straight lines between a route's consecutive stations (its circuity):
    #: the metro charges by track distance, which the data models as straight lines x circuity
    track_circuity_by_route: dict[str, float] = field(default_factory=dict)

    def track_m(self, route_id: str, straight_m: float) -> float:
        """Track metres of a ride on ``route_id`` whose stations are ``straight_m`` apart in straight
        lines, stop to stop (1.0 for a route without a circuity: its straight lines are its track).

        Examples
        --------
        >>> FareRules(track_circuity_by_route={"m-3": 1.065}).track_m("m-3", 10000)
        10650.0
        """
        return straight_m * self.track_circuity_by_route.get(route_id, 1.0)

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
