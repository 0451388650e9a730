"""The faults of a scenario record in the visitor's language.

:func:`planner.simulation.scenario.scenario_from_record` and the scenario store say each fault in
English (:class:`planner.domain.errors.Problem`), for the CLI, the API and the logs. The scenario
form shows them in the page's language: each shape of message the check makes is matched here and
said again with the catalogue's words, its values (numbers, ids, what was typed) kept as they are.
A message of no known shape is shown as it came, in English.
"""
from __future__ import annotations

import re

from planner.messages import gettext
from planner.messages.catalogue import N_

_VALUE = r"(?P<value>.+)"

#: (pattern of the English message, msgid with the pattern's groups as placeholders)
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), msgid) for pattern, msgid in (
    (r"missing", N_("missing")),
    (r"(?P<value>.+) is outside (?P<low>[^ ]+)\.\.(?P<high>[^ ]+)", N_("%(value)s is outside %(low)s..%(high)s")),
    (r"expected a whole number, got " + _VALUE, N_("expected a whole number, got %(value)s")),
    (r"expected a number, got " + _VALUE, N_("expected a number, got %(value)s")),
    (r"expected non-empty text, got " + _VALUE, N_("expected non-empty text, got %(value)s")),
    (r"at most (?P<n>\d+) characters, got (?P<got>\d+)", N_("at most %(n)s characters, got %(got)s")),
    (r"ids are 1-64 lower-case letters, digits and '-', starting with a letter or digit; got " + _VALUE,
     N_("ids are 1-64 lower-case letters, digits and '-', starting with a letter or digit; got %(value)s")),
    (r"expected an object, got " + _VALUE, N_("expected an object, got %(value)s")),
    (r"unknown field \(expected one of: (?P<fields>.+)\)", N_("unknown field (expected one of: %(fields)s)")),
    (r"expected a list, got " + _VALUE, N_("expected a list, got %(value)s")),
    (r"at most (?P<n>\d+) items, got (?P<got>\d+)", N_("at most %(n)s items, got %(got)s")),
    (r"at least (?P<n>\d+) items, got (?P<got>\d+)", N_("at least %(n)s items, got %(got)s")),
    (r"expected an object of field name -> text, got " + _VALUE,
     N_("expected an object of field name -> text, got %(value)s")),
    (r"at most (?P<n>\d+) notes, got (?P<got>\d+)", N_("at most %(n)s notes, got %(got)s")),
    (r"a note's key is a field name of 1-64 characters, got " + _VALUE,
     N_("a note's key is a field name of 1-64 characters, got %(value)s")),
    (r"notes\.(?P<key>.+): text of at most (?P<n>\d+) characters", N_("notes.%(key)s: text of at most %(n)s characters")),
    (r"no place (?P<place>.+)", N_("no place %(place)s")),
    (r"stop id (?P<id>.+) is used twice", N_("stop id %(id)s is used twice")),
    (r"expected \[lat, lon\], got " + _VALUE, N_("expected [lat, lon], got %(value)s")),
    (r"a path has no point or at least two", N_("a path has no point or at least two")),
    (r"the last departure is before the first", N_("the last departure is before the first")),
    (r"at most (?P<n>\d+) departures a day in one direction", N_("at most %(n)s departures a day in one direction")),
    (r"hour (?P<hour>\d+) is listed twice", N_("hour %(hour)s is listed twice")),
    (r"at least one hour needs a weight above 0", N_("at least one hour needs a weight above 0")),
    # the scenario store's own
    (r"a scenario with id (?P<id>.+) exists already", N_("a scenario with id %(id)s exists already")),
    (r"a scenario's id cannot change: create a new scenario instead",
     N_("a scenario's id cannot change: create a new scenario instead")),
    (r"the proposal (?P<id>.+) of data/shuttle\.yaml cannot be deleted",
     N_("the proposal %(id)s of data/shuttle.yaml cannot be deleted")),
))


def problem_words(message: str, lang: str) -> str:
    """A scenario record's fault ``message`` (English, as the check says it) in ``lang``.

    Examples
    --------
    >>> problem_words("0 is outside 1..200", "zh"), problem_words("missing", "zh")
    ('0 超出 1..200 的范围', '缺少此项')
    >>> problem_words("expected a number, got 'lots'", "zh")
    "应为数字，实为 'lots'"
    >>> problem_words("0 is outside 1..200", "en"), problem_words("a fault of a new kind", "zh")
    ('0 is outside 1..200', 'a fault of a new kind')
    """
    for pattern, msgid in _SHAPES:
        found = pattern.fullmatch(message)
        if found:
            return gettext(msgid, lang, **found.groupdict())
    return message
