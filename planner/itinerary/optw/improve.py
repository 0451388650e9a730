"""Local improvement of a tour: insert unvisited candidates wherever they still fit.

The beam only extends partial tours at their end; inserting in the middle can
use waiting time it left behind. Feasibility is checked by recomputing the
schedule, which is exact for time-dependent travel and multiple windows.
"""
from __future__ import annotations

from collections.abc import Callable

from planner.itinerary.optw.core import Compiled
from planner.itinerary.optw.model import V


def _free(c: Compiled[V], route: list[int]) -> list[int]:
    used = 0
    for j in route:
        used |= (1 << j) | c.group_mask[j]
    return [j for j in range(c.n) if not (used >> j) & 1]


def insert_greedy(c: Compiled[V], route: list[int], deadline: Callable[[], bool] | None = None) -> list[int]:
    """Repeatedly insert the best-scoring candidate that fits (earliest return breaks ties).

    Examples
    --------
    >>> from planner.itinerary.optw.model import Candidate, OptwProblem
    >>> p = OptwProblem(tuple(Candidate(k, k, 0, ((0, 50),)) for k in (1, 2)),
    ...                 0, 0, 0, 60, lambda i, j, t: 5, time_dependent=False)
    >>> c = Compiled(p)  # candidate indices: 0 is id 1, 1 is id 2
    >>> [c.ids[j] for j in insert_greedy(c, [1])]
    [2, 1]
    """
    route = list(route)
    while deadline is None or not deadline():
        best: tuple[float, int, int, int] | None = None  # (score, -end_s, position, vertex)
        for j in sorted(_free(c, route), key=lambda v: -c.score[v]):
            if deadline is not None and deadline():
                return route
            if best is not None and c.score[j] < best[0]:
                break  # candidates are sorted by score: nothing better can follow
            for p in range(len(route) + 1):
                sched = c.schedule(route[:p] + [j] + route[p:])
                if sched is not None:
                    key = (c.score[j], -sched[1], p, j)
                    if best is None or key > best:
                        best = key
        if best is None or best[0] <= 0:
            return route
        route.insert(best[2], best[3])
    return route
