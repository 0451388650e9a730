"""Edits of one session of a series, and of "this and following", as changes of event records.

Each function takes the record of a recurring event (as :mod:`planner.store.records`
writes it) and returns the record(s) to save through the normal versioned store,
so history, conflicts and merges apply to them as to any edit.

* :func:`cancel_session` / :func:`move_session` write a session override
  (RFC 5545 RECURRENCE-ID: ``overrides`` keyed by the session's original start);
  a record without ``overrides`` (a store before overrides) cancels by EXDATE.
* :func:`split_series` ends the series just before a session (RRULE ``UNTIL``
  one second before it, RFC 5545 3.3.10) and starts a new event from that
  session with the new times; exceptions and overrides from that session on go
  with the new event, shifted by the change of time.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

_UTC = dt.timezone.utc


def _instant(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _same_instant(a: Any, b: Any) -> bool:
    try:
        return _instant(a) == _instant(b)
    except (TypeError, ValueError):
        return False


def _with_override(record: Mapping, recurrence_id: dt.datetime, **changes: Any) -> dict:
    """The record with the override of one session updated by ``changes`` (made when missing)."""
    overrides = [dict(o) for o in record.get("overrides") or []]
    found = next((o for o in overrides if _same_instant(o.get("recurrence_id"), recurrence_id)), None)
    if found is None:
        found = {"recurrence_id": recurrence_id.isoformat(), "start": None, "end": None, "status": None,
                 "title_zh": None, "title_en": None}
        overrides.append(found)
    found.update(changes)
    overrides.sort(key=lambda o: _instant(o["recurrence_id"]))
    return {**record, "overrides": overrides}


def cancel_session(record: Mapping, recurrence_id: dt.datetime) -> dict:
    """The record with one session cancelled (shown as cancelled; an EXDATE without overrides).

    Examples
    --------
    >>> rec = {"id": "jazz", "start": "2025-03-07T20:00:00+08:00", "rrule": "FREQ=WEEKLY", "overrides": []}
    >>> cancel_session(rec, dt.datetime.fromisoformat("2025-03-14T20:00:00+08:00"))["overrides"]
    [{'recurrence_id': '2025-03-14T20:00:00+08:00', 'start': None, 'end': None, 'status': 'cancelled', \
'title_zh': None, 'title_en': None}]
    >>> cancel_session({"id": "jazz", "exdates": []}, dt.datetime(2025, 3, 14, 12, tzinfo=_UTC))["exdates"]
    ['2025-03-14T12:00:00+00:00']
    """
    if "overrides" not in record:
        exdates = list(record.get("exdates") or [])
        if not any(_same_instant(d, recurrence_id) for d in exdates):
            exdates.append(recurrence_id.isoformat())
        return {**record, "exdates": exdates}
    return _with_override(record, recurrence_id, status="cancelled")


def move_session(record: Mapping, recurrence_id: dt.datetime, start: dt.datetime, end: dt.datetime) -> dict:
    """The record with one session moved or re-timed to ``[start, end)`` (its status kept).

    Examples
    --------
    >>> rec = {"id": "jazz", "overrides": []}
    >>> o = move_session(rec, dt.datetime.fromisoformat("2025-03-14T20:00:00+08:00"),
    ...                  dt.datetime.fromisoformat("2025-03-15T18:00:00+08:00"),
    ...                  dt.datetime.fromisoformat("2025-03-15T19:30:00+08:00"))["overrides"][0]
    >>> o["start"], o["end"], o["status"]
    ('2025-03-15T18:00:00+08:00', '2025-03-15T19:30:00+08:00', None)
    """
    if end <= start:
        raise ValueError("a session ends after it starts")
    return _with_override(record, recurrence_id, start=start.isoformat(), end=end.isoformat())


def until_before(session_start: dt.datetime) -> str:
    """The RRULE UNTIL value one second before a session (UTC, as RFC 5545 asks with a zoned start).

    Examples
    --------
    >>> until_before(dt.datetime.fromisoformat("2025-03-14T20:00:00+08:00"))
    '20250314T115959Z'
    """
    return (session_start - dt.timedelta(seconds=1)).astimezone(_UTC).strftime("%Y%m%dT%H%M%SZ")


def split_series(record: Mapping, recurrence_id: dt.datetime, start: dt.datetime, end: dt.datetime,
                 new_id: str, sessions_before: int) -> tuple[dict, dict]:
    """"This and following": the series ends before ``recurrence_id``; a new event ``new_id`` continues.

    Parameters
    ----------
    record : the series' record (with an ``rrule``).
    recurrence_id : the original start of the first session to change.
    start, end : that session's new times; the following sessions keep the new time of day and length.
    new_id : the id of the continuing event.
    sessions_before : how many sessions the rule made before ``recurrence_id`` (to share a COUNT).

    Returns
    -------
    (original, continuation) : records to save (an update and a new event).

    Examples
    --------
    >>> rec = {"id": "jazz", "start": "2025-03-07T20:00:00+08:00", "end": "2025-03-07T22:00:00+08:00",
    ...        "rrule": "FREQ=WEEKLY;COUNT=6;BYDAY=FR", "exdates": ["2025-03-28T20:00:00+08:00"],
    ...        "overrides": []}
    >>> old, new = split_series(rec, dt.datetime.fromisoformat("2025-03-21T20:00:00+08:00"),
    ...     dt.datetime.fromisoformat("2025-03-21T19:00:00+08:00"),
    ...     dt.datetime.fromisoformat("2025-03-21T21:30:00+08:00"), "jazz-from-20250321", 2)
    >>> old["rrule"], old["exdates"]
    ('FREQ=WEEKLY;BYDAY=FR;UNTIL=20250321T115959Z', [])
    >>> new["id"], new["start"], new["end"], new["rrule"], new["exdates"]
    ('jazz-from-20250321', '2025-03-21T19:00:00+08:00', '2025-03-21T21:30:00+08:00', \
'FREQ=WEEKLY;BYDAY=FR;COUNT=4', ['2025-03-28T19:00:00+08:00'])
    """
    if end <= start:
        raise ValueError("a session ends after it starts")
    parts = [p for p in str(record.get("rrule") or "").split(";") if p]
    kept = [p for p in parts if not p.upper().startswith(("COUNT=", "UNTIL="))]
    limit = [p for p in parts if p.upper().startswith(("COUNT=", "UNTIL="))]
    if limit and limit[0].upper().startswith("COUNT="):
        limit = [f"COUNT={max(int(limit[0].split('=', 1)[1]) - sessions_before, 1)}"]
    shift = start - recurrence_id

    def before(value: Any) -> bool:
        return _instant(value) < recurrence_id

    def moved(value: Any) -> str:
        return (_instant(value) + shift).isoformat()

    exdates = list(record.get("exdates") or [])
    original = {**record, "rrule": ";".join([*kept, f"UNTIL={until_before(recurrence_id)}"]),
                "exdates": [d for d in exdates if before(d)]}
    continuation = {**record, "id": new_id, "start": start.isoformat(), "end": end.isoformat(),
                    "rrule": ";".join([*kept, *limit]), "exdates": [moved(d) for d in exdates if not before(d)]}
    if "overrides" in record:
        overrides = list(record.get("overrides") or [])
        original["overrides"] = [o for o in overrides if before(o["recurrence_id"])]
        continuation["overrides"] = [{**o, "recurrence_id": moved(o["recurrence_id"])}
                                     for o in overrides if not before(o["recurrence_id"])]
    if "rdates" in record:
        rdates = list(record.get("rdates") or [])
        first = (lambda r: r[0] if isinstance(r, (list, tuple)) else r)
        original["rdates"] = [r for r in rdates if before(first(r))]
        continuation["rdates"] = [r for r in rdates if not before(first(r))]
    return original, continuation
