"""Internal, index-based form of an OPTW problem shared by all solvers.

Candidates are numbered 0..n-1; the start vertex is ``n`` and the end vertex
``n + 1``. Times are integers; ``INF`` stands for "impossible" so that solvers
can compare instead of branching on None.

The value of a tour
-------------------
A visit starting at ``s`` earns ``v = score * stay(s) / service_s`` (the full
score unless the window is joined late, ``Candidate.join_until_s``). Within
one kind, visits sorted by descending ``v`` are worth ``v * d**0, v * d**1, ...``
(``d = kind_decay``); kinds add up. Two facts make the solvers exact:

* Starting each visit as early as possible is best. ``stay(s) = min(service,
  join_until - s)`` does not grow with ``s`` and the departure ``s + stay(s) =
  min(s + service, join_until)`` does not fall, so by FIFO travel the earliest
  schedule of a route has every departure earliest and every stay longest.
* For fixed values, ``f_k(S) = sum_r d**r v_(r)`` is monotone submodular in the
  set ``S``: by Abel summation ``f_k(S) = sum_{m >= 1} (d**(m-1) - d**m) T_m(S)``
  (for ``d = 1``: ``T_|S|(S)``), where ``T_m(S)``, the sum of the ``m`` largest values
  in ``S``, is the weighted rank function of a uniform matroid (monotone,
  submodular) and the coefficients are non-negative for ``0 <= d <= 1``. So
  ``f(S + R) - f(S) <= sum_{x in R} (f(S + x) - f(S))``: the value a partial
  tour can still gain is at most the sum of each remaining candidate's
  marginal value given its current set (at full score, since ``f`` only grows
  with any value: rearrangement inequality). The exact search's bound
  (:func:`planner.itinerary.optw.exact.solve_exact`) rests on this.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Generic

from planner.itinerary.optw.model import Candidate, OptwProblem, V

INF = 1 << 60

#: One class of :meth:`Compiled.upper_bound`'s items: (most value per second of a stay, shared kind
#: or -1, items as (bits of the group's members, the members, best score), highest score first)
ValueClass = tuple[float, int, list[tuple[int, list[int], float]]]


def _units_or_inf(t: int | None) -> int:
    return INF if t is None else int(t)


class Compiled(Generic[V]):
    """Index arrays plus a memoised travel oracle for one problem.

    Examples
    --------
    >>> from planner.itinerary.optw.model import Candidate, OptwProblem
    >>> p = OptwProblem((Candidate("a", 1, 60, ((0, 600),)),), "h", 0, "h", 3600,
    ...                 lambda i, j, t: 300, time_dependent=False)
    >>> c = Compiled(p)
    >>> c.arrive(c.start, 0, 0), c.service_start(0, 300)
    (300, 300)

    Two of a kind, the second worth half; "b" is joined 30 minutes before its window ends,
    so it earns half its score (3), then halved again as the second of its kind:

    >>> p = OptwProblem((Candidate("a", 4, 3600, ((0, 9000),), kind="panda"),
    ...                  Candidate("b", 6, 3600, ((0, 8400),), kind="panda", join_until_s=9000)),
    ...                 "h", 0, "h", 20000, lambda i, j, t: 1800, time_dependent=False, kind_decay=0.5)
    >>> c = Compiled(p)
    >>> c.timeline([0, 1])  # starts, stays, back at the end
    ([1800, 7200], [3600, 1800], 10800)
    >>> c.stop_values([0, 1], [3600, 1800]), c.route_score([0, 1])
    ([4.0, 1.5], 5.5)
    """

    def __init__(self, problem: OptwProblem[V], exact: bool = False) -> None:
        self.problem = problem
        cands = problem.candidates
        self.n = n = len(cands)
        self.start, self.end = n, n + 1
        self.ids: list[V] = [c.id for c in cands] + [problem.start_id, problem.end_id]
        self.score: list[float] = [c.score for c in cands] + [0, 0]
        self.service = [int(c.service_s) for c in cands] + [0, 0]
        self.windows: list[tuple[tuple[int, int], ...]] = [tuple(sorted(c.windows)) for c in cands]
        self.windows += [((problem.start_s, problem.start_s),), ((-INF, problem.deadline_s),)]
        self.close_max = [max(c for _, c in w) for w in self.windows]  # windows may overlap
        self.opens = [w[0][0] for w in self.windows]
        self.single = [len(w) == 1 for w in self.windows]
        self.must = [i for i, c in enumerate(cands) if c.must_visit]
        self.group_mask = self._group_masks(cands)
        #: end of a joined window (None: the stay is always ``service``)
        self.join: list[int | None] = [c.join_until_s for c in cands] + [None, None]
        self.variable = any(j is not None for j in self.join)
        self.decay = float(problem.kind_decay)
        if not 0.0 <= self.decay <= 1.0:
            raise ValueError(f"kind_decay must be in [0, 1], got {self.decay}")
        self.kind, self.members = self._kinds(cands)
        self.calls = 0
        # (i, departure) -> travel to each vertex, -1 where not asked yet (one list per departure:
        # a partial tour asks about every next vertex from the same departure)
        self._memo: dict[tuple[int, int], list[int]] = {}
        self._rows: dict[tuple[int, int], list[int]] = {}  # (i, departure) -> travel to every vertex
        self._resolution_s = 1 if exact else max(1, int(problem.depart_resolution_s))
        #: per vertex, the travel that is the same at every departure (made at first use); None: none known
        self._fixed_rows: list[list[int] | None] | None = \
            [None] * (self.n + 2) if problem.fixed_travel_s is not None else None
        self.static = not problem.time_dependent
        self.matrix = self._static_matrix() if self.static else None
        self.min_travel = self.matrix or self._min_matrix()
        self._classes = self._value_classes(cands)
        self._powers = [self.decay ** r for r in range(self.n + 1)]

    def _group_masks(self, cands: Sequence[Candidate[V]]) -> list[int]:
        """Bit mask of the OTHER members of each candidate's group (0 if none)."""
        by_group: dict[Hashable, int] = {}
        for i, c in enumerate(cands):
            if c.group is not None:
                by_group[c.group] = by_group.get(c.group, 0) | (1 << i)
        return [(by_group[c.group] & ~(1 << i)) if c.group is not None else 0
                for i, c in enumerate(cands)] + [0, 0]

    def _kinds(self, cands: Sequence[Candidate[V]]) -> tuple[list[int], list[list[int]]]:
        """Kind index per vertex (-1: a kind of its own) and the members of each shared kind.

        Only kinds with two or more candidates are shared, and only when values decay:
        otherwise every value simply adds up (``kinds_matter`` False).
        """
        by_kind: dict[Hashable, list[int]] = {}
        if self.decay < 1.0:
            for i, c in enumerate(cands):
                if c.kind is not None:
                    by_kind.setdefault(c.kind, []).append(i)
        members = [m for m in by_kind.values() if len(m) > 1]
        kind = [-1] * (len(cands) + 2)
        for k, ms in enumerate(members):
            for i in ms:
                kind[i] = k
        self.kinds_matter = bool(members)
        return kind, members

    def _value_classes(self, cands: Sequence[Candidate[V]]) -> list[ValueClass]:
        """The items of :meth:`upper_bound`, grouped into classes of one value per second.

        A group is one item (at most one of its members is visited) with its best score and
        density; it shares a kind only if all its members do. The items of one shared kind form
        one class at the kind's best density, by score, highest first; any other item is a
        class of its own. Classes come highest density first.
        """
        entities: dict[Hashable, list[int]] = {}
        for i, cand in enumerate(cands):
            entities.setdefault(("group", cand.group) if cand.group is not None else ("own", i), []).append(i)
        density: dict[Hashable, float] = {}
        items: dict[Hashable, list[tuple[int, list[int], float]]] = {}
        kind_of: dict[Hashable, int] = {}
        for members in entities.values():
            score = max(self.score[j] for j in members)
            if score <= 0:
                continue  # worth nothing: never raises the bound
            kinds = {self.kind[j] for j in members}
            k = kinds.pop() if len(kinds) == 1 else -1
            key: Hashable = ("kind", k) if k >= 0 else ("own", members[0])
            per_s = max(math.inf if self.service[j] <= 0 else self.score[j] / self.service[j] for j in members)
            density[key] = max(density.get(key, 0.0), per_s)
            items.setdefault(key, []).append((sum(1 << j for j in members), members, score))
            kind_of[key] = k
        classes = [(density[key], kind_of[key], sorted(entries, key=lambda item: -item[2]))
                   for key, entries in items.items()]
        classes.sort(key=lambda cls: -cls[0])
        return classes

    def upper_bound(self, value: float, dep_s: int, last: int, mask: int,
                    kind_values: Sequence[Sequence[float]] | None) -> float:
        """Most value any completion of a partial tour can reach.

        A partial tour worth ``value`` leaves ``last`` at ``dep_s`` having visited ``mask``
        (``kind_values``: its values per shared kind, each sorted in descending order; None or
        empty lists when kinds do not matter). Each further visit earns at most its score, and
        at most ``score / service_s`` per second of its stay (joined windows are pro rata); stays
        fit between ``dep_s`` and the deadline; a group gives at most one visit; and the i-th
        best further visit of a shared kind earns at most ``decay ** (i + p)`` times its score,
        ``p`` the visits already made that are worth at least as much (the value's form, see
        the module's docstring). The best fractional filling of the time left by these items
        (highest value per second first) bounds every completion.
        """
        time_s = float(self.problem.deadline_s - dep_s)
        lb, close = self.min_travel[last], self.close_max
        powers = self._powers
        total = float(value)
        for rho, k, items in self._classes:
            if time_s <= 0 and rho != math.inf:
                break
            seen = kind_values[k] if k >= 0 and kind_values is not None else ()
            rank, p = 0, 0
            for bits, members, score in items:
                if mask & bits or all(dep_s + lb[j] > close[j] for j in members):
                    continue
                if k >= 0:
                    while p < len(seen) and seen[p] >= score:
                        p += 1
                    score *= powers[min(rank + p, self.n)]
                    rank += 1
                if rho == math.inf:
                    total += score
                    continue
                need_s = score / rho
                if need_s >= time_s:
                    return total + rho * time_s
                total += score
                time_s -= need_s
        return total

    def stay(self, j: int, start_s: int) -> int:
        """Time spent at ``j`` when service starts at ``start_s``."""
        until = self.join[j]
        if until is None:
            return self.service[j]
        return max(0, min(self.service[j], until - start_s))

    def value(self, j: int, stay_s: int) -> float:
        """Pro-rata score of a stay at ``j`` (before any decay by kind)."""
        if self.join[j] is None or self.service[j] <= 0:
            return self.score[j]
        return self.score[j] * stay_s / self.service[j]

    @staticmethod
    def gain(kind_values: Sequence[float], v: float, decay: float) -> float:
        """Marginal value of adding ``v`` to a kind whose values are ``kind_values`` (sorted, descending).

        ``v`` takes rank ``p`` (after the values >= it) and every value behind it moves down a rank.
        """
        p = 0
        while p < len(kind_values) and kind_values[p] >= v:
            p += 1
        weight = decay ** p
        out = v * weight
        for x in kind_values[p:]:
            out -= (1.0 - decay) * weight * x
            weight *= decay
        return out

    def call(self, i: int, j: int, depart_s: int) -> int:
        """Travel from ``i`` to ``j`` leaving at ``depart_s`` (on the grid), asked of the callback."""
        self.calls += 1
        t = self.problem.travel_s(self.ids[i], self.ids[j], depart_s)
        return INF if t is None else int(t)

    def _new_row(self, i: int) -> list[int]:
        """A departure's row of travel from ``i``: -1 (not asked yet), but 0 to ``i`` itself and the
        problem's fixed travel (:attr:`OptwProblem.fixed_travel_s`) where it has some."""
        fixed = self._fixed_rows
        if fixed is None:
            row = [-1] * (self.n + 2)
            row[i] = 0
            return row
        if fixed[i] is None:
            known = self.problem.fixed_travel_s
            assert known is not None
            ids = self.ids
            template = []
            for j in range(self.n + 2):
                t = 0 if j == i else known(ids[i], ids[j])
                template.append(-1 if t is None else int(t))
            fixed[i] = template
        return list(fixed[i])  # type: ignore[arg-type]

    def _static_matrix(self) -> list[list[int]]:
        # Static travel: every pair once, up front; the solvers then index a list.
        m = self.n + 2
        return [[0 if i == j else self.call(i, j, self.problem.start_s) for j in range(m)]
                for i in range(m)]

    def _min_matrix(self) -> list[list[int]]:
        lb = self.problem.min_travel_s
        m = self.n + 2
        if lb is None:
            return [[0] * m for _ in range(m)]
        return [[0 if i == j else int(lb(self.ids[i], self.ids[j])) for j in range(m)]
                for i in range(m)]

    def arrive(self, i: int, j: int, depart_s: int) -> int:
        """Arrival time at ``j`` leaving ``i`` at ``depart_s`` (INF if unreachable)."""
        if depart_s >= INF:
            return INF
        if self.matrix is not None:  # static travel
            return depart_s + self.matrix[i][j]
        r = self._resolution_s
        dep = -(-depart_s // r) * r  # round up: waiting at the origin keeps plans feasible
        travel_row = self.problem.travel_row_s
        if travel_row is not None:
            t = self._row(travel_row, i, dep)[j]
        else:
            known = self._memo.get((i, dep))
            if known is None:
                known = self._memo[(i, dep)] = self._new_row(i)
            t = known[j]
            if t < 0:
                t = known[j] = self.call(i, j, dep)
        return dep + t if t < INF else INF

    def arrivals(self, i: int, depart_s: int) -> Callable[[int], int]:
        """``arrive(i, ., depart_s)`` for many targets: the lookups shared between them are done once."""
        if depart_s >= INF:
            return lambda j: INF
        if self.matrix is not None:
            row = self.matrix[i]
            return lambda j: depart_s + row[j]
        r = self._resolution_s
        dep = -(-depart_s // r) * r
        travel_row = self.problem.travel_row_s
        if travel_row is not None:
            full = self._row(travel_row, i, dep)
            return lambda j: dep + full[j] if full[j] < INF else INF
        known = self._memo.get((i, dep))
        if known is None:
            known = self._memo[(i, dep)] = self._new_row(i)
        row_known = known

        def at(j: int) -> int:
            t = row_known[j]
            if t < 0:
                t = row_known[j] = self.call(i, j, dep)
            return dep + t if t < INF else INF
        return at

    def travel_row(self, i: int, depart_s: int) -> tuple[int, list[int]]:
        """(departure on the grid, travel from ``i`` to each vertex then) for many targets at once.

        The list is shared and filled on demand: -1 where not asked yet (ask :meth:`call` with
        the grid departure, and store the answer), ``INF`` where unreachable.
        """
        if self.matrix is not None:
            return depart_s, self.matrix[i]
        r = self._resolution_s
        dep = -(-depart_s // r) * r
        travel_row = self.problem.travel_row_s
        if travel_row is not None:
            return dep, self._row(travel_row, i, dep)
        known = self._memo.get((i, dep))
        if known is None:
            known = self._memo[(i, dep)] = self._new_row(i)
        return dep, known

    def _row(self, travel_row: Callable[[V, int], Mapping[V, int | None]], i: int,
             dep: int) -> list[int]:
        """Travel times from ``i`` to every vertex index, one callback per (i, dep)."""
        row = self._rows.get((i, dep))
        if row is None:
            self.calls += 1
            got = travel_row(self.ids[i], dep)
            row = [0 if j == i else _units_or_inf(got.get(self.ids[j]))
                   for j in range(self.n + 2)]
            self._rows[(i, dep)] = row
        return row

    def service_start(self, j: int, arrival_s: int) -> int:
        """Earliest start of service at ``j`` for an arrival (INF if every window closed)."""
        if self.single[j]:
            o, c = self.windows[j][0]
            if arrival_s > c:
                return INF
            return o if arrival_s < o else arrival_s
        for o, c in self.windows[j]:  # few windows, sorted by opening: scan
            if arrival_s <= c:
                return o if arrival_s < o else arrival_s
        return INF

    def timeline(self, route: Sequence[int]) -> tuple[list[int], list[int], int] | None:
        """Service starts and stays along ``route`` and the arrival at the end, or None if infeasible.

        Each service starts as early as possible, which is best (see the module's docstring).
        """
        dep = self.problem.start_s
        last, starts, stays = self.start, [], []
        for j in route:
            t = self.service_start(j, self.arrive(last, j, dep))
            if t >= INF:
                return None
            stay = self.stay(j, t)
            starts.append(t)
            stays.append(stay)
            dep, last = t + stay, j
        end_s = self.arrive(last, self.end, dep)
        return (starts, stays, end_s) if end_s <= self.problem.deadline_s else None

    def schedule(self, route: Sequence[int]) -> tuple[list[int], int] | None:
        """Service starts along ``route`` and the arrival at the end, or None if infeasible."""
        line = self.timeline(route)
        return None if line is None else (line[0], line[2])

    def stop_values(self, route: Sequence[int], stays: Sequence[int]) -> list[float]:
        """What each stop of ``route`` adds to the tour's value, given its stays."""
        values = [self.value(j, stay) for j, stay in zip(route, stays)]
        if not self.kinds_matter:
            return values
        by_kind: dict[int, list[int]] = {}
        for pos, j in enumerate(route):
            if self.kind[j] >= 0:
                by_kind.setdefault(self.kind[j], []).append(pos)
        out = list(values)
        for positions in by_kind.values():
            positions.sort(key=lambda pos: -values[pos])  # stable: equal values by visit order
            for rank, pos in enumerate(positions):
                out[pos] = values[pos] * self.decay ** rank
        return out

    def set_value(self, route: Sequence[int], stays: Sequence[int]) -> float:
        """The tour's value: the sum of :meth:`stop_values`."""
        if not self.kinds_matter and not self.variable:
            return float(sum(self.score[j] for j in route))
        return float(sum(self.stop_values(route, stays)))

    def route_score(self, route: Sequence[int]) -> float:
        """Value of ``route`` scheduled as early as possible (-1 if it is infeasible)."""
        if not self.kinds_matter and not self.variable:
            return float(sum(self.score[j] for j in route))
        line = self.timeline(route)
        return -1.0 if line is None else self.set_value(route, line[1])
