"""EXDATE removes the one instance whose start it names (RFC 5545 3.8.5.1), in any zone."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from planner.domain.model import TZ, Event


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Shanghai", "Europe/London", "UTC"])
@pytest.mark.parametrize("hours", [(10, 15), (9, 17), (0, 8), (3, 4)])
def test_an_exdate_removes_its_session_and_no_other(zone, hours):
    """Two sessions a day whose starts are as far apart as a zone's UTC offset (10:00 and 15:00 in New
    York) are told apart: recurring-ical-events 3.8 also removed the other one."""
    tz = ZoneInfo(zone)
    first, second = hours
    rule = f"FREQ=DAILY;BYHOUR={first},{second};COUNT=10"
    start = dt.datetime(2024, 3, 1, first, tzinfo=tz)
    excluded = dt.datetime(2024, 3, 2, second, tzinfo=tz)
    event = Event(id="x", start=start, end=start + dt.timedelta(minutes=30), rrule=rule, exdates=(excluded,))
    window = (dt.datetime(2024, 2, 1, tzinfo=TZ), dt.datetime(2024, 4, 1, tzinfo=TZ))
    ours = [o.start for o in event.occurrences_between(*window)]
    expected = [s for s in rrulestr(rule, dtstart=start) if s != excluded]  # brute force: the rule, less one
    assert ours == expected and len(ours) == 9
