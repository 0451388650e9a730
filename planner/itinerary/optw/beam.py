"""Restricted dynamic programming (a beam over DP labels) for OPTW.

A label is a partial tour from the start: (value, departure from its last
vertex, last vertex, visited mask, parent label, values of its visits per shared
kind, its last visit's value). Layer k holds labels with k
visits. Exact DP would keep every non-dominated label; here, for each last
vertex, only the Pareto front over (score up, time down) is kept, thinned to
``width`` labels. Dominance ignores the visited sets, which is what makes it a
heuristic, but it keeps the search broad and it finds optimal tours on most
benchmark instances.

Most children die when the layer is thinned, so extending a label does only what
the thinning needs (value, departure, set); a kept label's values per kind are
worked out after (:func:`_with_kind_values`). Travel comes from one shared list per
(last vertex, grid departure) (:meth:`Compiled.travel_row`).
"""
from __future__ import annotations

import random
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from operator import itemgetter

from planner.itinerary.optw.core import INF, Compiled
from planner.itinerary.optw.model import V

#: (value, departure from the last vertex, last vertex, visited mask, parent label (None at the root),
#:  values of the visits of each shared kind, sorted in descending order (None if values add up;
#:  a new child's are its parent's until :func:`_with_kind_values`), the last visit's own value)
Label = tuple[float, int, int, int, "Label | None", "tuple[tuple[float, ...], ...] | None", float]


_VALUE, _TIME = itemgetter(0), itemgetter(1)


def _latest_start(c: Compiled[V]) -> list[int]:
    """Latest service start at each candidate that still allows a direct return."""
    dl = c.problem.deadline_s
    m, end = c.matrix, c.end
    if m is None:  # time-dependent travel
        return list(c.close_max)
    late = []
    for j in range(c.n):
        until = c.join[j]
        if until is not None and until + m[j][end] <= dl:
            late.append(c.close_max[j])  # leaving by the window's end is always in time
        else:  # the stay is the full service (or the window's end is too late anyway)
            late.append(min(c.close_max[j], dl - c.service[j] - m[j][end]))
    return late


def _thin(front: list[Label], width: int, rng: random.Random | None) -> list[Label]:
    """Keep ``width`` labels of a front sorted by time: evenly spread, both ends kept."""
    if len(front) <= width:
        return front
    if rng is None:
        step = (len(front) - 1) / (width - 1) if width > 1 else 0
        idx = {round(k * step) for k in range(width)} if width > 1 else {len(front) - 1}
        return [front[k] for k in sorted(idx)]
    keep = {len(front) - 1, 0}
    keep.update(rng.sample(range(len(front)), width - len(keep)) if width > 2 else [])
    return [front[k] for k in sorted(keep)][:width]


def _ranks(labels: list[Label], most: int | None = None) -> list[list[Label]]:
    """Non-dominated sorting over (score up, time down) of labels sorted by time.

    Rank r holds the labels dominated only by labels of ranks < r. The best
    score of each rank is non-increasing in r, so a label's rank is found by
    bisection: O(N log N) in total. With ``most``, only the first ``most`` ranks
    (the later ranks' labels are dropped; the first ranks are as without it: a
    label's rank below ``most`` depends on the bests of the ranks below ``most`` only).
    """
    neg_best: list[float] = []  # -(best score) per rank, non-decreasing
    ranks: list[list[Label]] = []
    limit = len(labels) if most is None else most
    for lab in labels:
        r = bisect_right(neg_best, -lab[0])
        if r == len(ranks):
            if r >= limit:
                continue
            neg_best.append(-lab[0])
            ranks.append([lab])
        else:
            neg_best[r] = -lab[0]
            ranks[r].append(lab)
    return ranks


def _fronts(children: dict[int, list[Label]], width: int, rng: random.Random | None,
            deadline: Callable[[], bool] | None = None, cap: int | None = None) -> list[Label]:
    """Per last vertex: successive Pareto fronts over (score up, time down), up to ``width``.

    Labels dominated in (score, time) may still hold a better visited set, so
    once the first front is taken, the next fronts fill the remaining room.
    With ``cap``, at most that many labels in all: the best of each last vertex
    first, then the second best of each, ... (by value; a layer stays diverse).
    """
    out: list[Label] = []
    per_vertex: list[list[Label]] = []
    for labels in children.values():
        if deadline is not None and deadline():
            return out  # out of time: the caller stops after this layer anyway
        # by time, then value down (two stable sorts on plain fields: no key tuples)
        labels.sort(key=_VALUE, reverse=True)
        labels.sort(key=_TIME)
        seen: set[int] = set()
        add = seen.add
        unique: list[Label] = []
        keep = unique.append
        for lab in labels:
            if lab[3] not in seen:  # same set and last vertex, later: truly dominated
                add(lab[3])
                keep(lab)
        kept: list[Label] = []
        # every front taken gives at least one label: no more than ``width`` fronts are ever taken
        for front in _ranks(unique, width):
            kept.extend(_thin(front, width - len(kept), rng))
            if len(kept) >= width:
                break
        out.extend(kept)
        per_vertex.append(kept)
    if cap is None or len(out) <= cap:
        return out
    for kept in per_vertex:
        kept.sort(key=lambda lab: (-lab[0], lab[1]))
    rounds = [lab for k in range(width) for lab in
              sorted((kept[k] for kept in per_vertex if k < len(kept)), key=lambda lab: (-lab[0], lab[1]))]
    return rounds[:cap]


def _route(label: Label) -> list[int]:
    route = []
    parent = label[4]
    while parent is not None:
        route.append(label[2])
        label, parent = parent, parent[4]
    return route[::-1]


def beam_search(c: Compiled[V], width: int, seed: int | None = None,
                deadline: Callable[[], bool] | None = None, cap: int | None = None) -> tuple[float, list[int]]:
    """Best (score, route) found by restricted DP keeping ``width`` labels per last vertex.

    Parameters
    ----------
    c : Compiled
    width : int
        Labels kept per last vertex and layer (larger: slower, better).
    seed : int, optional
        If given, the fronts are thinned at random (diversifies repeated runs).
    deadline : callable, optional
        ``deadline() -> bool``; True stops the search early (best so far returned).
    cap : int, optional
        Most labels kept per layer in all (see :func:`_fronts`): the work per layer is then
        at most ``cap * n`` extensions, whatever the number of vertices.

    Examples
    --------
    >>> from planner.itinerary.optw.model import Candidate, OptwProblem
    >>> p = OptwProblem(tuple(Candidate(k, k, 10, ((0, 100),)) for k in range(1, 4)),
    ...                 0, 0, 0, 60, lambda i, j, t: 5, time_dependent=False)
    >>> c = Compiled(p)
    >>> score, route = beam_search(c, width=2)
    >>> score, sorted(c.ids[j] for j in route)
    (6, [1, 2, 3])
    """
    rng = random.Random(seed) if seed is not None else None
    n, end, dl = c.n, c.end, c.problem.deadline_s
    must_bits = sum(1 << m for m in c.must)
    facts = _facts(c, _latest_start(c))
    root: Label = (0, c.problem.start_s, c.start, 0, None, tuple(() for _ in c.members) if c.kinds_matter else None, 0)
    layer = [root]
    best: Label | None
    best_score: float
    best_score, best = (0, root) if c.schedule([]) is not None and not must_bits else (-1, None)
    reachable: dict[int, list[Reach]] = {}
    while layer:
        if deadline is not None and deadline():
            break
        children: dict[int, list[Label]] = defaultdict(list)  # by last vertex, in the order first reached
        for k, lab in enumerate(layer):
            if k & 127 == 127 and deadline is not None and deadline():
                return (best_score, _route(best)) if best is not None else (-1, [])
            found = _extend(c, facts, lab, children, must_bits, best_score, reachable)
            if found is not None:
                best_score, best = found[0], found
        if deadline is not None and deadline():
            break  # sorting a large layer takes long: stop on time instead
        layer = _fronts(children, width, rng, deadline, cap)
        if c.kinds_matter:
            layer = [_with_kind_values(c, lab) for lab in layer]
        if must_bits:
            layer = [lab for lab in layer if _musts_reachable(c, lab, must_bits)]
    return (best_score, _route(best)) if best is not None else (-1, [])


def _extend(c: Compiled[V], facts: list[Facts], lab: Label, children: dict[int, list[Label]], must_bits: int,
            best_score: float, reachable: dict[int, list[Reach]] | None = None) -> Label | None:
    """Append each feasible one-visit extension of ``lab`` to ``children[j]``; the best complete
    tour among them worth more than ``best_score``, if any.

    A child's values per kind are left to :func:`_with_kind_values` (only the labels kept in
    the layer need them); its gain is worked out here. ``reachable`` keeps, per last vertex, the
    facts with the latest departure that can still reach each candidate in time (one search's).
    ``children`` may be a ``defaultdict(list)`` (as :func:`beam_search` gives it): then a vertex's
    list is made at its first child, in the same order as a plain dict's.
    """
    sc, dep, last, mask, _, kv, _ = lab
    if reachable is None:
        reachable = {}
    reach = reachable.get(last)
    if reach is None:
        reach = reachable[last] = _reach(c, facts, last)
    t0, row = c.travel_row(last, dep)
    travel, ids, asked = c.problem.travel_s, c.ids, 0
    service_start = c.service_start
    kinds = kv is not None
    if kinds:
        decay, powers = c.decay, c._powers
    grow = children.__getitem__ if isinstance(children, defaultdict) else None
    found: Label | None = None
    for j, bit, taken, last_dep, latest, opens, single, serv, score, until, k in reach:
        if mask & taken or dep > last_dep:
            continue
        t = row[j]
        if t < 0:  # Compiled.call, inline: asked of the callback once per (vertex, grid departure)
            asked += 1
            got = travel(ids[last], ids[j], t0)
            t = row[j] = INF if got is None else int(got)
        if t >= INF:
            continue
        a = t0 + t
        if single:
            s = opens if a < opens else a
        else:
            s = service_start(j, a)
        if s > latest:
            continue
        if until is None:
            leave, v = s + serv, score
        else:
            stay = serv if until - s > serv else max(0, until - s)
            leave, v = s + stay, (score * stay / serv if serv > 0 else score)
        if kinds and k >= 0:
            seen = kv[k]  # type: ignore[index]
            if not seen or v <= seen[-1]:  # last of its kind: nothing moves down a rank
                value = sc + v * powers[len(seen)]
            else:
                value = sc + Compiled.gain(seen, v, decay)
        else:
            value = sc + v
        bits = mask | bit
        child: Label = (value, leave, j, bits, lab, kv, v)
        if grow is not None:
            grow(j).append(child)
        else:
            kids = children.get(j)
            if kids is None:
                kids = children[j] = []
            kids.append(child)
        # Time-dependent travel need not obey the triangle inequality: a label
        # without a direct way back may still return through later visits.
        if value > best_score and (bits & must_bits) == must_bits and \
                (c.matrix is not None or c.arrive(j, c.end, leave) <= c.problem.deadline_s):
            best_score, found = value, child
    c.calls += asked
    return found


#: A candidate's facts as seen from one last vertex: (index, its bit, bits that rule it out once
#: visited (its own and its group's), latest departure from that vertex that can still start it in
#: time, latest start, first opening, one window?, service, score, end of a joined window, shared kind)
Reach = tuple[int, int, int, int, int, int, bool, int, float, "int | None", int]


def _reach(c: Compiled[V], facts: list[Facts], last: int) -> list[Reach]:
    """``facts`` from ``last``: a departure after ``latest - min_travel`` reaches ``j`` too late (the same
    test as before, one comparison); candidates in index order, as before."""
    lb_row = c.min_travel[last]
    return [(j, bit, bit | others, latest - lb_row[j], latest, opens, single, serv, score, until, k)
            for j, bit, others, latest, opens, single, serv, score, until, k in facts]


#: Per candidate, what extending a label needs: (index, its bit, bits of its group's others,
#: latest start, first opening, one window?, service, score, end of a joined window, shared kind)
Facts = tuple[int, int, int, int, int, bool, int, float, "int | None", int]


def _facts(c: Compiled[V], late: list[int]) -> list[Facts]:
    return [(j, 1 << j, c.group_mask[j], late[j], c.opens[j], c.single[j], c.service[j], c.score[j],
             c.join[j], c.kind[j]) for j in range(c.n)]


def _with_kind_values(c: Compiled[V], lab: Label) -> Label:
    """``lab`` with its last visit's value among the values of its kind."""
    kv, k = lab[5], c.kind[lab[2]]
    if kv is None or k < 0:
        return lab
    values = tuple(sorted(kv[k] + (lab[6],), reverse=True))
    return (lab[0], lab[1], lab[2], lab[3], lab[4], kv[:k] + (values,) + kv[k + 1:], lab[6])


def _musts_reachable(c: Compiled[V], lab: Label, must_bits: int) -> bool:
    _, dep, last, mask, _, _, _ = lab
    return all(c.arrive(last, m, dep) <= c.close_max[m]
               for m in c.must if not (mask >> m) & 1)
