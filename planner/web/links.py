"""Links back to this app that carry a visitor's query parameters (the language switch, redirects)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import url_for
from werkzeug.datastructures import MultiDict

#: ``url_for``'s own keywords: a query parameter named so would be taken for one of them.
URL_FOR_OPTIONS = frozenset({"_anchor", "_method", "_scheme", "_external"})


def query_of(args: MultiDict[str, str]) -> dict[str, str | list[str]]:
    """A request's query parameters, a repeated one as the list of its values (in their order)."""
    return {name: values[0] if len(values) == 1 else values for name, values in args.lists()}


def url_with_query(endpoint: str, query: Mapping[str, str | list[str]], **path: Any) -> str:
    """``url_for(endpoint, **path)`` with ``query`` as its query string.

    A query parameter named like one of ``url_for``'s options or one of the path's parameters is
    left out: as a keyword it would change the link (``_external``, ``_scheme``, ``_anchor``) or
    fail to build it (``_method``, a second value for a path parameter).
    """
    values: dict[str, Any] = {name: value for name, value in query.items()
                              if name not in URL_FOR_OPTIONS and name not in path}
    return url_for(endpoint, **path, **values)
