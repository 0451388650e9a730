"""Exact OPTW by label-setting dynamic programming with branch and bound.

States are (visited set, last vertex) with the earliest service start at the
last vertex. With FIFO travel times and waiting allowed, an earlier time at the
same state is never worse, so keeping only the earliest label per state is
exact. A label is dropped when even collecting every still-open candidate
cannot beat the best tour known (from the heuristic), which proves optimality
of whatever is left at the end.
"""
from __future__ import annotations

import time
from collections.abc import Hashable

from planner.itinerary.optw.core import Compiled
from planner.itinerary.optw.model import V

#: (visited mask, last vertex) -> (service start at the last vertex, the vertex before it)
_States = dict[tuple[int, int], tuple[int, int]]


class Timeout(Exception):
    """The exact search ran past its time budget."""


def _upper_bound(c: Compiled[V], mask: int, dep_s: int, score_now: float) -> float:
    """Score now plus every candidate not yet excluded by set, group or closing time.

    Valid for any travel function: arrival is never before departure, so a
    candidate whose last window closed before ``dep_s`` is out of reach.
    """
    per_group: dict[Hashable, float] = {}
    extra = 0.0
    for j in range(c.n):
        if (mask >> j) & 1 or mask & c.group_mask[j] or c.close_max[j] < dep_s:
            continue
        g = c.problem.candidates[j].group
        if g is None:
            extra += c.score[j]
        elif c.score[j] > per_group.get(g, -1):
            per_group[g] = c.score[j]
    return score_now + extra + sum(per_group.values())


def solve_exact(c: Compiled[V], lower_bound: float = -1.0,
                budget_s: float = float("inf")) -> tuple[float, list[int]] | None:
    """Optimal (score, route), or None if no feasible tour holds every must-visit.

    Parameters
    ----------
    c : Compiled
    lower_bound : float
        Score of a known feasible tour; labels that cannot beat it are pruned.
        A tour of exactly this score is then NOT returned, so pass the known
        score minus a small amount if the route itself is needed.
    budget_s : float
        Raises Timeout when exceeded.

    Examples
    --------
    >>> from planner.itinerary.optw.model import Candidate, OptwProblem
    >>> cands = (Candidate("a", 3, 0, ((0, 10),)), Candidate("b", 5, 0, ((0, 10),)))
    >>> p = OptwProblem(cands, "h", 0, "h", 15, lambda i, j, t: 6, time_dependent=False)
    >>> solve_exact(Compiled(p))
    (5.0, [1])
    """
    t_end = time.perf_counter() + budget_s
    n, end, dl = c.n, c.end, c.problem.deadline_s
    must_bits = sum(1 << m for m in c.must)
    best_score = lower_bound
    best_state: tuple[int, int] | None = None
    # state (mask, last) -> (service start at last, previous last vertex)
    states: _States = {(0, c.start): (c.problem.start_s, -1)}
    layer = [(0, c.start)]
    scores = {0: 0.0}
    while layer:
        if time.perf_counter() > t_end:
            raise Timeout
        nxt: list[tuple[int, int]] = []
        for mask, last in layer:
            t = states[(mask, last)][0]
            dep = t + c.service[last]
            sc = scores[mask]
            if (mask & must_bits) == must_bits and sc > best_score \
                    and c.arrive(last, end, dep) <= dl:
                best_score, best_state = sc, (mask, last)
            if _upper_bound(c, mask, dep, sc) <= best_score:
                continue
            for j in range(n):
                if (mask >> j) & 1 or mask & c.group_mask[j] or \
                        c.close_max[j] < dep + c.min_travel[last][j]:
                    continue  # cheap test first: spares calls to the travel callback
                s = c.service_start(j, c.arrive(last, j, dep))
                if s > dl:
                    continue
                key = (mask | (1 << j), j)
                old = states.get(key)
                if old is None:
                    nxt.append(key)
                    scores[key[0]] = sc + c.score[j]
                if old is None or s < old[0]:
                    states[key] = (s, last)
        layer = nxt
    if best_state is None:
        return None
    return best_score, _route(states, best_state)


def _route(states: _States, state: tuple[int, int]) -> list[int]:
    route = []
    mask, last = state
    while mask:
        route.append(last)
        prev = states[(mask, last)][1]
        mask, last = mask & ~(1 << last), prev
    return route[::-1]
