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
