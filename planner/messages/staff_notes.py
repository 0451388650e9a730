"""Staff messages kept in English (history notes, the calendar's warnings) said in the page's language.

The event store writes each version's note ("restored version 2", "cancelled the session of
2024-02-12 15:00") and the calendar's warnings ("overlaps 'Jazz night' (jazz) at the same venue on
...") in English: they are stored, logged and exported as such. A Chinese page says them with the
catalogue: each shape below is a msgid whose placeholders take the note's values as written (dates,
ids, names). A note of no known shape (a planner's own words) is shown as it is.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from planner.messages.catalogue import N_, gettext

#: (the shape as the store writes it, the msgid saying it); the first match wins.
SHAPES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern + r"\Z"), msgid) for pattern, msgid in (
    (r"cancelled the session of (?P<when>.+)", N_("cancelled the session of %(when)s")),
    (r"moved the session of (?P<when>\S+ \S+) to (?P<to>.+)", N_("moved the session of %(when)s to %(to)s")),
    (r"this and following: the whole series", N_("this and following: the whole series")),
    (r"this and following: continues as (?P<id>\S+) from (?P<when>.+)",
     N_("this and following: continues as %(id)s from %(when)s")),
    (r"continues (?P<id>\S+) from (?P<when>.+)", N_("continues %(id)s from %(when)s")),
    (r"copy of (?P<id>\S+) version (?P<v>\d+)", N_("copy of %(id)s version %(v)s")),
    (r"restored version (?P<v>\d+)", N_("restored version %(v)s")),
    (r"merged with version (?P<v>\d+) by (?P<user>.+)", N_("merged with version %(v)s by %(user)s")),
    (r"imported from (?P<file>.+)", N_("imported from %(file)s")),
    (r"from (?P<file>data/\S+)", N_("from %(file)s")),
    (r"outside the opening hours of (?P<venue>.+) on (?P<date>\S+): (?P<times>\S+), the venue is "
     r"open (?P<hours>\S+)(?: \(and (?P<more>\d+) more sessions\))?",
     N_("outside the opening hours of %(venue)s on %(date)s: %(times)s, the venue is open %(hours)s")),
    (r"outside the opening hours of (?P<venue>.+) on (?P<date>\S+): (?P<times>\S+), the venue is "
     r"closed(?: \(and (?P<more>\d+) more sessions\))?",
     N_("outside the opening hours of %(venue)s on %(date)s: %(times)s, the venue is closed")),
    (r"overlaps (?P<title>'.*'|\".*\") \((?P<id>[^)]+)\) at the same venue on (?P<date>\S+) (?P<times>\S+)"
     r"(?: \(and (?P<more>\d+) more\))?",
     N_("overlaps %(title)s (%(id)s) at the same venue on %(date)s %(times)s")),
    # an .ics import's rejections and notes (planner/store/ical.py)
    (r"UID (?P<uid>\S+) appears twice in the file \(first: (?P<first>.+)\)",
     N_("UID %(uid)s appears twice in the file (first: %(first)s)")),
    (r"a changed session of UID (?P<uid>\S+), which was rejected", N_("a changed session of UID %(uid)s, which was rejected")),
    (r"no END:(?P<kind>\w+): the item is cut short", N_("no END:%(kind)s: the item is cut short")),
    (r"no END:(?P<kind>\w+): the file is cut short", N_("no END:%(kind)s: the file is cut short")),
    (r"not valid iCalendar: (?P<why>.+)", N_("not valid iCalendar: %(why)s")),
    (r"not an iCalendar file: (?P<why>.+)", N_("not an iCalendar file: %(why)s")),
    (r"could not be read: (?P<why>.+)", N_("could not be read: %(why)s")),
    # the part after "FIELD: " of a file's event the import rejects
    (r"LOCATION (?P<loc>'.*'|\".*\") names no place of the planner \(choose a venue for such events\)",
     N_("LOCATION %(loc)s names no place of the planner (choose a venue for such events)")),
    (r"no LOCATION names no place of the planner \(choose a venue for such events\)",
     N_("no LOCATION, and no place of the planner (choose a venue for such events)")),
    (r"more than one recurrence rule in one event is not supported",
     N_("more than one recurrence rule in one event is not supported")),
    (r"missing, the event has no start \(RFC 5545 3\.6\.1: DTSTART is REQUIRED\)",
     N_("missing, the event has no start (RFC 5545 3.6.1: DTSTART is REQUIRED)")),
    (r"unknown time zone (?P<tz>'.*') \(no VTIMEZONE for it in the file\)",
     N_("unknown time zone %(tz)s (no VTIMEZONE for it in the file)")),
    (r"not a date or date-time: (?P<value>.+)", N_("not a date or date-time: %(value)s")),
    (r"(?P<value>.+) is not a duration \(RFC 5545 3\.3\.6: dur-value, e\.g\. PT1H30M or P1D\)",
     N_("%(value)s is not a duration (RFC 5545 3.3.6: dur-value, e.g. PT1H30M or P1D)")),
    (r"RRULE (?P<rule>\S+): more than (?P<n>\d+) sessions \(the maximum per series, setting "
     r"PLANNER_MAX_SESSIONS_PER_SERIES\); only the first \d+ are kept, the last on (?P<last>.+)",
     N_("RRULE %(rule)s: more than %(n)s sessions (the maximum per series, setting "
        "PLANNER_MAX_SESSIONS_PER_SERIES); only the first %(n)s are kept, the last on %(last)s")),
))

MORE = N_("(and %(n)s more)")


def say_note(text: str | None, lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """A stored staff note or calendar warning in ``lang`` (its values as written, but a venue's or an
    event's English name that ``names`` gives in ``lang``); unknown text as it is.

    Examples
    --------
    >>> say_note("restored version 2", "zh")
    '恢复为第 2 版'
    >>> say_note("cancelled the session of 2024-02-12 15:00", "zh")
    '取消了 2024-02-12 15:00 的场次'
    >>> say_note("overlaps 'Jazz' (jazz) at the same venue on 2024-02-12 19:00-21:00 (and 2 more)", "zh")
    "与同一场地的 'Jazz'（jazz）时间重叠：2024-02-12 19:00-21:00（另有 2 场）"
    >>> say_note("overlaps 'Jazz' (jazz) at the same venue on 2024-02-12 19:00-21:00", "zh", {"Jazz": "爵士"})
    '与同一场地的 “爵士”（jazz）时间重叠：2024-02-12 19:00-21:00'
    >>> say_note("a planner's own words", "zh"), say_note("restored version 2", "en")
    ("a planner's own words", 'restored version 2')
    """
    if not text or lang == "en":
        return text
    for pattern, msgid in SHAPES:
        found = pattern.match(text)
        if found:
            values = {k: v for k, v in found.groupdict().items() if k != "more"}
            named = (names or {}).get(values.get("venue", ""))
            if named:
                values["venue"] = named
            title = (names or {}).get(values.get("title", "")[1:-1])
            if title:
                values["title"] = f"“{title}”"
            said = gettext(msgid, lang, **values)
            more = found.groupdict().get("more")
            return said + gettext(MORE, lang, n=more) if more else said
    return text
