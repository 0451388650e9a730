"""The data of an OPTW problem and of its solution, independent of any solver.

The Orienteering Problem with Time Windows (OPTW): from a start vertex and
time, visit a subset of candidate vertices, each one starting its service
inside one of its time windows, and reach the end vertex by the deadline,
maximising the total score. Travel times come from a callback and may depend on
the departure time (FIFO: leaving later never arrives earlier).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Generic, Optional, TypeVar, Union

from planner.domain.errors import Reason

#: What names a vertex: a candidate, the start, the end (a place id, a benchmark's vertex number).
#: Reasons name vertices by it, so it is plain text or a number.
VertexId = Union[str, int]

#: The type of one problem's vertex ids: a problem, its candidates and its solution share it
#: (``str`` for a day plan's items, ``int`` for a benchmark's vertices).
V = TypeVar("V", bound=VertexId)

#: ``travel_s(from_id, to_id, depart_s) -> seconds | None`` (None: unreachable then).
TravelFn = Callable[[V, V, int], Optional[int]]


@dataclass(frozen=True)
class Candidate(Generic[V]):
    """One vertex that the tour may visit.

    Parameters
    ----------
    id : str or int
        Identifier passed to the travel callback and returned in the tour.
    score : float
        Value collected when the vertex is visited (non-negative).
    service_s : int
        Time spent at the vertex once service has started.
    windows : tuple of (open_s, close_s)
        Alternative windows for the START of service; service starts at the
        earliest time >= arrival inside a window. ``open_s == close_s`` is a
        fixed-start event (arrive before the start, stay ``service_s``).
    group : hashable, optional
        At most one candidate per group is visited (e.g. sessions of one show).
    must_visit : bool
        The tour must include this vertex; if it cannot, the solution says why.
    kind : hashable, optional
        What sort of visit it is (e.g. "panda enclosure"). With the problem's
        ``kind_decay`` below 1, the candidates of one kind in a tour are worth
        ``score``, ``decay * score``, ``decay**2 * score``, ... taken in
        descending order of their (pro-rata) value. None: a kind of its own.
    join_until_s : int, optional
        A window one joins rather than sits through (the pandas' morning
        activity, an exhibition's hours): service starting at ``s`` lasts
        ``min(service_s, join_until_s - s)`` and earns
        ``score * stay / service_s``. ``windows`` still bound the start (e.g.
        ``((open_s, join_until_s - min_stay_s),)``). None: a stay of
        ``service_s`` for the full score.

    Examples
    --------
    >>> show = Candidate.fixed("show-14h", score=5, start_s=14 * 3600, end_s=14 * 3600 + 1800)
    >>> show.windows, show.service_s
    (((50400, 50400),), 1800)

    Pandas active 07:30-10:00, watched for up to an hour, at least 20 minutes:

    >>> pandas = Candidate("villa", 8, 3600, ((27000, 36000 - 1200),), kind="pandas", join_until_s=36000)
    >>> joined_s = 9 * 3600 + 30 * 60  # joined at 09:30: a 30-minute stay, for 8 * 30 / 60
    >>> min(pandas.service_s, pandas.join_until_s - joined_s)
    1800
    """

    id: V
    score: float
    service_s: int
    windows: tuple[tuple[int, int], ...]
    group: Hashable | None = None
    must_visit: bool = False
    kind: Hashable | None = None
    join_until_s: int | None = None

    @classmethod
    def fixed(cls, id: V, score: float, start_s: int, end_s: int, group: Hashable | None = None,
              must_visit: bool = False) -> Candidate[V]:
        """A fixed-start event: be there at ``start_s`` and stay until ``end_s``."""
        return cls(id, score, end_s - start_s, ((start_s, start_s),), group=group, must_visit=must_visit)


@dataclass(frozen=True)
class OptwProblem(Generic[V]):
    """A single-tour OPTW instance.

    Parameters
    ----------
    candidates : sequence of Candidate
    start_id, end_id : str or int
        Vertices where the tour starts and ends (may be the same id).
    start_s : int
        Earliest departure from ``start_id``.
    deadline_s : int
        Latest arrival at ``end_id``.
    travel_s : callable
        ``travel_s(i, j, depart_s) -> int | None``; FIFO in ``depart_s``.
    time_dependent : bool
        False if ``travel_s`` ignores ``depart_s``: one call per pair is cached.
    depart_resolution_s : int
        For time-dependent travel: departures are rounded UP to this grid
        before calling ``travel_s`` (the traveller waits at the origin), so
        calls are shared between nearby departure times. Plans stay feasible
        (waiting is always allowed); the final schedule is recomputed with
        exact departures. 1 means exact everywhere.
    min_travel_s : callable, optional
        ``min_travel_s(i, j) -> int``: a cheap lower bound on ``travel_s(i, j, t)``
        valid at every ``t`` (e.g. crow-fly distance at top speed). Lets the
        solvers skip hopeless pairs without calling ``travel_s``.
    travel_row_s : callable, optional
        ``travel_row_s(i, depart_s) -> Mapping[j, int | None]``: travel times from
        ``i`` to every vertex for one departure (a one-to-all RAPTOR query). When
        given, it replaces ``travel_s`` for time-dependent problems: the solvers
        extend each partial tour to all candidates from one departure, so one
        row call replaces up to n pair calls. Missing keys mean unreachable.
    fixed_travel_s : callable, optional
        ``fixed_travel_s(i, j) -> int | None``: ``travel_s(i, j, t)`` when it is the same at every
        ``t`` (two stops of one place, a walk inside a site), else None. The solvers then know those
        pairs without asking ``travel_s`` (the same answers, fewer calls).
    kind_decay : float
        In [0, 1]: the r-th best candidate (from 0) of one ``Candidate.kind`` in a
        tour is worth ``kind_decay ** r`` times its (pro-rata) score. 1.0 (the
        default): scores simply add up. The tour's value is then a monotone
        submodular function of its set of visits (see
        :mod:`planner.itinerary.optw.core`).

    Examples
    --------
    >>> p = OptwProblem((Candidate("a", 1, 60, ((0, 600),)),), "home", 0, "home", 3600,
    ...                 lambda i, j, t: 300, time_dependent=False)
    >>> len(p.candidates)
    1
    """

    candidates: tuple[Candidate[V], ...]
    start_id: V
    start_s: int
    end_id: V
    deadline_s: int
    travel_s: TravelFn[V]
    time_dependent: bool = True
    depart_resolution_s: int = 1
    min_travel_s: Callable[[V, V], int] | None = None
    travel_row_s: Callable[[V, int], Mapping[V, "int | None"]] | None = None
    kind_decay: float = 1.0
    fixed_travel_s: Callable[[V, V], "int | None"] | None = None


@dataclass(frozen=True)
class OptwSolution(Generic[V]):
    """A tour and its schedule.

    Attributes
    ----------
    tour : tuple
        Candidate ids in visit order (start and end vertices excluded).
    start_times_s : tuple of int
        Start of service at each tour vertex (exact travel times).
    service_s : tuple of int
        The stay at each tour vertex: ``service_s``, or less for a joined window
        (``Candidate.join_until_s``).
    values : tuple of float
        What each tour vertex adds to ``score``: its pro-rata score times
        ``kind_decay ** rank`` among the tour's vertices of its kind.
    end_s : int or None
        Arrival at the end vertex (None if even the empty tour cannot reach it).
    score : float
        The tour's value: ``sum(values)`` (the sum of the scores when every stay
        is full and ``kind_decay`` is 1).
    optimal : bool
        True only when the solver proved that no better tour exists.
    seconds : float
        Wall-clock solve time.
    infeasible : tuple of Reason
        Why must-visit candidates could not be included (empty if all are), as codes with
        parameters (:func:`planner.itinerary.optw.solver.explain_must`).
    travel_calls : int
        Number of calls made to the travel callback.
    """

    tour: tuple[V, ...]
    start_times_s: tuple[int, ...]
    end_s: int | None
    score: float
    optimal: bool
    seconds: float
    infeasible: tuple[Reason, ...] = field(default=())
    travel_calls: int = 0
    service_s: tuple[int, ...] = ()
    values: tuple[float, ...] = ()
