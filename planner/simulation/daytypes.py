"""Day types of a service plan: weekday, weekend, holiday.

The rule lives in :mod:`planner.domain.daytypes` so that routing (below this package) can pick a
date's timetable too; it is re-exported here for the simulation's users. Source: the ``holidays``
package (country ``CN``), following the State Council's yearly holiday notices, 调休 included.

Examples
--------
>>> import datetime as dt
>>> day_type(dt.date(2024, 2, 4)), day_type(dt.date(2024, 2, 12)), DAY_TYPES
('weekday', 'holiday', ('weekday', 'weekend', 'holiday'))
"""
from __future__ import annotations

from planner.domain.daytypes import DAY_TYPES, day_type

__all__ = ["DAY_TYPES", "day_type"]
