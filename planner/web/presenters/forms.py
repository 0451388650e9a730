"""What the forms show beside their fields: faults of a request, and notes about an arrival."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from planner.domain.errors import BadRequest, Reason
from planner.messages import describe, describe_reason
from planner.web.api_models import RequestInvalid
from planner.web.errors import problems_of

_INDEX = re.compile(r"\[\d+\]$")


def form_errors(exc: RequestInvalid | BadRequest, lang: str,
                rename: Mapping[str, str] | None = None) -> dict[str, str]:
    """Field name -> message, in ``lang``: the first fault of each field, to show beside it.

    A list's item (``must[1]``) is its list's field (``must``); ``rename`` maps a parameter to
    the form field that holds it (``depart`` -> ``time``); a fault of no field is under ``""``.

    Examples
    --------
    >>> form_errors(BadRequest("must[0]", "unknown_place_or_event", value="x"), "en")
    {'must': "no place or event 'x'"}
    """
    rename = rename or {}
    if isinstance(exc, BadRequest):
        found = [(exc.field, describe(exc, lang))]
    else:
        found = [(p["field"], p["message"]) for p in problems_of(exc.faults, False, lang)]
    errors: dict[str, str] = {}
    for field, message in found:
        name = _INDEX.sub("", field or "")
        errors.setdefault(rename.get(name, name), message)
    return errors


def note_json(note: Reason | None, lang: str) -> dict[str, Any] | None:
    """An arrival note (:mod:`planner.domain.opening`) as the API gives it: code, parameters, words.

    Examples
    --------
    >>> note_json(Reason("closed_at_arrival", {"place": "p", "closes_s": 63000, "arrival_s": 77400}), "en")
    {'code': 'closed_at_arrival', 'message': 'p closed at 17:30', 'params': {'place': 'p', 'closes_s': 63000, 'arrival_s': 77400}}
    """
    if note is None:
        return None
    return {"code": note.code, "message": describe_reason(note, lang), "params": dict(note.params)}
