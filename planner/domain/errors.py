"""The domain errors of the planner core.

The core raises these; the web layer maps them once to HTML or JSON answers
and the command line to messages and exit codes.
"""
from __future__ import annotations

from dataclasses import dataclass


class PlannerError(Exception):
    """Base of every error the planner core raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, and where it is.

    ``where`` names the place precisely enough to fix it: a file with its line
    or record and field (``places.yaml:42 places[3].lat``), a form field, or a
    JSON path (``$.stops[2].lat``).
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class DataError(PlannerError):
    """Input data failed validation; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        head = f"{len(self.problems)} problem(s) in the data"
        return head + ":\n" + "\n".join(f"  {p}" for p in self.problems)


class NotFound(PlannerError):
    """A named thing (place, stop, event) does not exist."""


class BadRequest(PlannerError):
    """A request's parameters are wrong; ``field`` names the one at fault."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class Said(str):
    """A message in English that also carries its Chinese, for answers shown to people.

    It is a ``str`` (the English), so logs, JSON and tests keep working; the
    web layer shows ``in_lang(message, lang)``.

    Examples
    --------
    >>> m = say("closed on Mondays", "周一闭馆")
    >>> str(m), in_lang(m, "zh"), in_lang("plain text", "zh")
    ('closed on Mondays', '周一闭馆', 'plain text')
    """

    zh: str

    def __new__(cls, en: str, zh: str) -> Said:
        message = super().__new__(cls, en)
        message.zh = zh
        return message


def say(en: str, zh: str) -> Said:
    return Said(en, zh)


def in_lang(message: str, lang: str) -> str:
    """The message in ``lang`` when it carries one, else as it is."""
    return getattr(message, "zh", message) if lang == "zh" else str(message)
