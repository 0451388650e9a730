"""Words for people: the one message catalogue of the web pages and the CLI (placeholder).

The core returns codes with parameters; :func:`describe` turns a domain error
into words in a language. (Issue 8: to be filled from the gettext catalogue.)
"""
from __future__ import annotations

from planner.domain.errors import PlannerError, in_lang


def describe(error: PlannerError, lang: str) -> str:
    """The error in ``lang`` ('zh' or 'en')."""
    message = getattr(error, "message", None) or str(error)
    return in_lang(message, lang)
