"""The domain errors of the planner core, and the reasons it gives.

The core speaks no language: an error or a reason is a ``code`` (snake_case)
with ``params`` (numbers in integer seconds and metres, ids, ISO dates). The
message catalogue (:mod:`planner.messages`) turns them into words for people;
the web layer maps the errors once to HTML or JSON answers and the command
line to messages and exit codes. ``str(error)`` is a plain English line for
logs, made from the code and its parameters.

Parameter names say their unit: ``*_s`` seconds (a clock time since the
service day's midnight, or a duration), ``*_m`` metres, ``*_cny`` yuan.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Union

_CODE = re.compile(r"[a-z][a-z0-9_]*\Z")

#: What a parameter may hold: numbers, ids, ISO dates, flags, and tuples of them.
Param = Union[int, float, str, bool, None, tuple["Param", ...]]


@dataclass(frozen=True)
class Name:
    """What the data call a place, stop or event, in both languages.

    Reasons carry the names of the ids they mention, so the edge can say them
    in the visitor's language: these are data, not words of the planner.
    """

    zh: str
    en: str


@dataclass(frozen=True)
class Reason:
    """Why something cannot be done: a code with parameters (and the names of the ids among them).

    Examples
    --------
    >>> str(Reason("place_closed", {"place": "panda-kindergarten", "date": "2024-02-12"}))
    "place closed (place='panda-kindergarten', date='2024-02-12')"
    """

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)
    names: Mapping[str, Name] = field(default_factory=dict)

    def __str__(self) -> str:
        return plain_english(self.code, self.params)


def plain_english(code: str, params: Mapping[str, Param]) -> str:
    """A code and its parameters as a line for logs (``detail`` is free text, put last).

    Examples
    --------
    >>> plain_english("not_a_time", {"value": "25:99"})
    "not a time (value='25:99')"
    >>> plain_english("unusable_feed", {"detail": "feed.zip: not a zip file"})
    'unusable feed: feed.zip: not a zip file'
    """
    line = code.replace("_", " ")
    shown = [f"{key}={value!r}" for key, value in params.items() if key != "detail"]
    if shown:
        line += f" ({', '.join(shown)})"
    if params.get("detail") is not None:
        line += f": {params['detail']}"
    return line


class PlannerError(Exception):
    """Base of every error the planner core raises on purpose.

    Parameters
    ----------
    code
        What went wrong, snake_case (the class's default when omitted). A text that is
        not a code is kept as the ``detail`` parameter under the class's code: free text
        from a library or a file (a GTFS reader's message), shown as it is.
    names
        Data names of the ids among the parameters, for messages in either language.
    **params
        Numbers (seconds, metres), ids and ISO dates the message needs.
    """

    code: str = "planner_error"

    def __init__(self, code: str | None = None, *, names: Mapping[str, Name] | None = None,
                 **params: Param) -> None:
        if code is not None and not _CODE.match(code):
            code, params = None, {**params, "detail": code}
        self.code = code or type(self).code
        self.params: dict[str, Param] = dict(params)
        self.names: dict[str, Name] = dict(names or {})
        super().__init__(self.log_line())

    def log_line(self) -> str:
        """The error in plain English, for logs (free text alone as it is)."""
        if set(self.params) == {"detail"}:
            return str(self.params["detail"])
        return plain_english(self.code, self.params)

    def as_reason(self) -> Reason:
        """The error's code, parameters and names, as a day plan or journey answer carries them."""
        return Reason(self.code, dict(self.params), dict(self.names))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, and where it is.

    ``where`` names the place precisely enough to fix it: a file with its line
    or record and field (``places.yaml:42 places[3].lat``), a form field, or a
    JSON path (``$.stops[2].lat``). ``message`` is the validator's text, for
    the person editing the data.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class DataError(PlannerError):
    """Input data failed validation; ``problems`` lists every fault found, ``warnings`` what was
    read with a warning before (a GTFS feed's), to be shown beside them."""

    code = "invalid_data"

    def __init__(self, problems: list[Problem], warnings: tuple[str, ...] = ()) -> None:
        self.problems = list(problems)
        self.warnings = tuple(warnings)
        super().__init__(count=len(self.problems))

    def log_line(self) -> str:
        head = f"{len(self.problems)} problem(s) in the data"
        return head + ":\n" + "\n".join(f"  {p}" for p in self.problems)


class NotFound(PlannerError):
    """A named thing (place, stop, event, account) does not exist, e.g. ``NotFound("no_place", id="x")``."""

    code = "not_found"


class BadRequest(PlannerError):
    """A request's parameter is wrong; ``field`` names the one at fault.

    Examples
    --------
    >>> error = BadRequest("depart", "not_a_time", value="25:99")
    >>> error.field, error.code, error.params, str(error)
    ('depart', 'not_a_time', {'value': '25:99'}, "depart: not a time (value='25:99')")
    """

    code = "bad_request"

    def __init__(self, field: str, code: str | None = None, *, names: Mapping[str, Name] | None = None,
                 **params: Param) -> None:
        self.field = field
        super().__init__(code, names=names, **params)

    def log_line(self) -> str:
        return f"{self.field}: {self.message}"

    @property
    def message(self) -> str:
        """The error without its field, in plain English (for logs)."""
        return super().log_line()



class Busy(PlannerError):
    """The server has more of this work than it takes on now (its queue is full, or the work ran past
    its time budget): the same request may succeed after ``retry_after_s`` seconds.

    The web layer answers 503 with a ``Retry-After`` header (RFC 9110, 10.2.3); ``what`` names the
    work (``day_plans``, ``journeys`` ...) and ``limit`` the budget that was reached.

    Examples
    --------
    >>> error = Busy(what="day_plans", limit="plan_queue_max", retry_after_s=2)
    >>> error.code, error.retry_after_s, str(error)
    ('busy', 2, "busy (what='day_plans', limit='plan_queue_max', retry_after_s=2)")
    """

    code = "busy"

    def __init__(self, code: str | None = None, *, retry_after_s: int, names: Mapping[str, Name] | None = None,
                 **params: Param) -> None:
        self.retry_after_s = max(1, int(retry_after_s))
        super().__init__(code, names=names, **params, retry_after_s=self.retry_after_s)
