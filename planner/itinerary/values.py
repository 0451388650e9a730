"""What a day's visits are worth to a visitor: the value model of day plans, as numbers.

The model (README, "Day plans"): a visit is worth its base value by what it is (an event 5, an
attraction 3, a venue 2, a spot 1), plus ``interest_value`` for every tag it shares with the
visitor's interests; an event at a standing attraction adds the attraction's own value (it is one
stop there). More of the same kind (a place's or event's first tag) is worth less: the best of a
kind counts whole, the next ``kind_decay`` times its value, the next ``kind_decay**2`` ... (the fifth
panda enclosure is worth a quarter of the first). A window one joins (an exhibition's hours, the
pandas' morning activity) is worth its value for a stay of ``window_stay_s`` (or the venue's own
visit length, if longer), pro rata for a shorter stay, never under ``window_min_stay_s``. Must-sees
are made certain by a bonus that outweighs everything else; lunch and (at a relaxed pace) a rest
break come right after them.

The numbers are settings (``PLANNER_VALUE_*``, :mod:`planner.composition.settings`) and reach the
planner as a :class:`ValueModel`; the core never reads the settings itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

#: Visit-length factors by pace: a relaxed (family) pace lingers a quarter longer, a brisk one a fifth less.
PACE: Mapping[str, float] = MappingProxyType({"relaxed": 1.25, "normal": 1.0, "brisk": 0.8})


def _base() -> dict[str, float]:
    return {"attraction": 3.0, "venue": 2.0, "spot": 1.0, "event": 5.0}


@dataclass(frozen=True)
class ValueModel:
    """The weights of a day plan's value model (see the module's docstring).

    Attributes
    ----------
    base_value : dict
        Value of a visit by place kind (attraction, venue, spot) and of an event session (event).
    interest_value : float
        Added for each tag a visit shares with the visitor's interests.
    kind_decay : float
        In (0, 1]: the k-th visit of a kind (its first tag) is worth ``kind_decay**(k-1)`` of its value.
        Assumption: 0.7 makes the fifth panda enclosure worth a quarter of the first.
    must_bonus : float
        Added to a must-see's value: more than any day's other visits together, so a must-see that
        fits is always in the plan.
    window_stay_s, window_min_stay_s : int
        How long one stays inside a window one joins (at least; a venue's longer visit length wins),
        and the shortest stay worth joining for. Assumption: 30 min watching the active pandas or
        the buskers, 15 min the least worth a detour.
    long_session_s : int
        Sessions at least this long are windows to join wherever they are (busker afternoons).
    evening_s : int
        When the evening starts, for "nothing on in the evening" (18:00: the Panda Base has closed).
    rest_s, rest_window_s : int, (int, int)
        A relaxed pace gets a rest break of ``rest_s`` starting in ``rest_window_s`` (a family's
        afternoon pause; assumption: 20 min between 14:00 and 16:30).

    Examples
    --------
    >>> values = ValueModel()
    >>> values.decayed([7.0, 7.0, 3.0])  # two villas and a kitchen, all of the kind "pandas"
    13.37
    >>> values.stay_s(visit_s=15 * 60, session_s=2 * 3600, pace=1.0) // 60
    30
    """

    base_value: Mapping[str, float] = field(default_factory=_base)
    interest_value: float = 4.0
    kind_decay: float = 0.7
    must_bonus: float = 1000.0
    window_stay_s: int = 30 * 60
    window_min_stay_s: int = 15 * 60
    long_session_s: int = 150 * 60
    evening_s: int = 18 * 3600
    rest_s: int = 20 * 60
    rest_window_s: tuple[int, int] = (14 * 3600, 16 * 3600 + 30 * 60)

    @property
    def meal_bonus(self) -> float:
        """Lunch: worth less than a must-see (a must-see wins a clash), more than any visit."""
        return self.must_bonus / 2

    @property
    def rest_bonus(self) -> float:
        """A relaxed pace's rest break: after lunch, before any visit."""
        return self.must_bonus / 4

    def stay_s(self, visit_s: int, session_s: int, pace: float) -> int:
        """How long one stays in a window of ``session_s`` at a venue visited for ``visit_s``."""
        return min(session_s, round(max(self.window_stay_s, visit_s) * pace))

    def decayed(self, values: list[float]) -> float:
        """The worth of several visits of one kind: best first, each next one ``kind_decay`` times less."""
        ordered = sorted(values, reverse=True)
        return round(sum(v * self.kind_decay ** k for k, v in enumerate(ordered)), 6)
