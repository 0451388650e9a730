"""Local improvement of a tour until no move improves it: insert, and replace.

The beam only extends partial tours at their end; inserting in the middle can
use waiting time it left behind, and swapping a visit for one or two others
can use time the beam spent badly. Feasibility is checked by simulating the
schedule from the changed position, which is exact for time-dependent travel,
several windows and joined windows; the simulation stops as soon as a visit
starts when it did before (everything after it is then unchanged).
Every move is deterministic: the same tour gives the same result.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from planner.itinerary.optw.core import INF, Compiled
from planner.itinerary.optw.model import V

#: Improvements smaller than this are rounding, not value.
EPS = 1e-9


class _Tour:
    """A feasible route with its schedule: starts, stays, departures, the end's arrival."""

    def __init__(self, c: Compiled[Any], route: list[int], starts: list[int], stays: list[int], end_s: int):
        self.route, self.starts, self.stays, self.end_s = route, starts, stays, end_s
        self.deps = [s + d for s, d in zip(starts, stays)]
        self.value = c.set_value(route, stays)

    @classmethod
    def of(cls, c: Compiled[Any], route: list[int]) -> _Tour | None:
        line = c.timeline(route)
        return None if line is None else cls(c, list(route), *line)


def _insert_at(c: Compiled[V], tour: _Tour, p: int, j: int) -> _Tour | None:
    """``tour`` with ``j`` inserted before position ``p``, or None if infeasible."""
    route, starts = tour.route, tour.starts
    last = route[p - 1] if p else c.start
    dep = tour.deps[p - 1] if p else c.problem.start_s
    new_starts: list[int] = []
    new_stays: list[int] = []
    single, opens, close, join, serv = c.single, c.opens, c.close_max, c.join, c.service
    for k in range(p - 1, len(route)):
        v = j if k < p else route[k]
        t0, row = c.travel_row(last, dep)  # inline c.arrive: this loop is local search's hot spot
        t = row[v]
        if t < 0:
            t = row[v] = c.call(last, v, t0)
        if t >= INF:
            return None
        a = t0 + t
        if single[v]:
            if a > close[v]:
                return None
            t = opens[v] if a < opens[v] else a
        else:
            t = c.service_start(v, a)
            if t >= INF:
                return None
        if k >= p and t == starts[k]:  # back on the old schedule: the rest is unchanged, and feasible
            return _Tour(c, route[:p] + [j] + route[p:], starts[:p] + new_starts + starts[k:],
                         tour.stays[:p] + new_stays + tour.stays[k:], tour.end_s)
        until = join[v]
        stay = serv[v] if until is None else max(0, min(serv[v], until - t))
        new_starts.append(t)
        new_stays.append(stay)
        dep, last = t + stay, v
    end_s = c.arrive(last, c.end, dep)
    if end_s > c.problem.deadline_s:
        return None
    return _Tour(c, route[:p] + [j], starts[:p] + new_starts, tour.stays[:p] + new_stays, end_s)


def _free(c: Compiled[V], route: Sequence[int]) -> list[int]:
    used = 0
    for j in route:
        used |= (1 << j) | c.group_mask[j]
    return [j for j in range(c.n) if not (used >> j) & 1]


def _bounds(c: Compiled[V], tour: _Tour, banned: int) -> list[tuple[float, int]]:
    """(most that inserting j can add, j) for each free j, highest first: its marginal value at full
    score (stays elsewhere only shrink, and the value only grows with each stay)."""
    kind_values: list[list[float]] = [[] for _ in c.members]
    if c.kinds_matter:
        for v, stay in zip(tour.route, tour.stays):
            if c.kind[v] >= 0:
                kind_values[c.kind[v]].append(c.value(v, stay))
        for values in kind_values:
            values.sort(reverse=True)
    out = []
    for j in _free(c, tour.route):
        if j != banned:
            k = c.kind[j]
            out.append((c.score[j] if k < 0 else Compiled.gain(kind_values[k], c.score[j], c.decay), j))
    out.sort(key=lambda b: (-b[0], b[1]))
    return out


def _best_insertion(c: Compiled[V], tour: _Tour, above: float,
                    deadline: Callable[[], bool] | None = None, banned: int = -1) -> _Tour | None:
    """The best tour with one more visit, if its value exceeds ``above``.

    Candidates are tried by their bound, highest first; ties go to the earliest
    return, then the earliest position, then the lowest index.
    """
    best: _Tour | None = None
    best_key: tuple[float, int, int, int] | None = None
    for bound, j in _bounds(c, tour, banned):
        if deadline is not None and deadline():
            break
        if tour.value + bound <= max(above, best.value if best is not None else above) + EPS:
            break  # sorted by bound: nothing further can do better
        lb = c.min_travel
        for p in range(len(tour.route) + 1):
            last = tour.route[p - 1] if p else c.start
            dep = tour.deps[p - 1] if p else c.problem.start_s
            if dep + lb[last][j] > c.close_max[j]:
                break  # departures only grow along the route
            new = _insert_at(c, tour, p, j)
            if new is None or new.value <= above + EPS:
                continue
            key = (new.value, -new.end_s, -p, -j)
            if best_key is None or key > best_key:
                best, best_key = new, key
    return best


def insert_greedy(c: Compiled[V], route: list[int], deadline: Callable[[], bool] | None = None) -> list[int]:
    """Repeatedly make the insertion that adds most value (earliest return breaks ties).

    ``route`` must be feasible.

    Examples
    --------
    >>> from planner.itinerary.optw.model import Candidate, OptwProblem
    >>> p = OptwProblem(tuple(Candidate(k, k, 0, ((0, 50),)) for k in (1, 2)),
    ...                 0, 0, 0, 60, lambda i, j, t: 5, time_dependent=False)
    >>> c = Compiled(p)  # candidate indices: 0 is id 1, 1 is id 2
    >>> [c.ids[j] for j in insert_greedy(c, [1])]
    [2, 1]
    """
    tour = _Tour.of(c, route)
    if tour is None:
        return list(route)
    return _fill(c, tour, deadline).route


def _fill(c: Compiled[V], tour: _Tour, deadline: Callable[[], bool] | None, banned: int = -1) -> _Tour:
    while deadline is None or not deadline():
        better = _best_insertion(c, tour, tour.value, deadline, banned)
        if better is None:
            break
        tour = better
    return tour


def _without(c: Compiled[V], tour: _Tour, q: int) -> _Tour | None:
    route = tour.route[:q] + tour.route[q + 1:]
    return _Tour.of(c, route)


def local_search(c: Compiled[V], route: list[int], deadline: Callable[[], bool] | None = None,
                 max_rounds: int = 50) -> list[int]:
    """Insert, then swap visits out for better ones, until no move improves the tour.

    A swap removes one visit (not a must-visit) and refills the freed time greedily: it
    replaces it with one visit or more. It is kept only if the tour's value grows; the
    visits are tried in turn, round the tour, until none of them gives a better tour
    (``max_rounds`` caps the swaps made).

    Examples
    --------
    >>> from planner.itinerary.optw.model import Candidate, OptwProblem
    >>> cands = (Candidate.fixed("a", 3, 10, 30), Candidate.fixed("b", 2, 20, 20),
    ...          Candidate.fixed("c", 2, 30, 30))
    >>> p = OptwProblem(cands, "h", 0, "h", 60, lambda i, j, t: 0 if "h" in (i, j) else 5,
    ...                 time_dependent=False)
    >>> c = Compiled(p)  # "a" (10-30) leaves no room for "b" or "c"; the two are worth more
    >>> [c.ids[j] for j in local_search(c, [0])]
    ['b', 'c']
    """
    tour = _Tour.of(c, route)
    if tour is None:
        return list(route)
    tour = _fill(c, tour, deadline)
    must = set(c.must)
    swaps, q, since = 0, 0, 0  # since: visits tried since the last swap kept
    while swaps < max_rounds and since < len(tour.route):
        if deadline is not None and deadline():
            break
        q %= len(tour.route)
        v = tour.route[q]
        shorter = None if v in must else _without(c, tour, q)
        # (None: travel without the triangle inequality may need the visit as a way through)
        refilled = None if shorter is None else _fill(c, shorter, deadline, banned=v)
        if refilled is not None and refilled.value > tour.value + EPS:
            tour, swaps, since = refilled, swaps + 1, 0
        else:
            q, since = q + 1, since + 1
    return tour.route
