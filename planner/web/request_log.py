"""Request ids and one log line per request.

Every request gets an id: the client's ``X-Request-ID`` when it is a short safe
token (a proxy's, so one id follows the request through both logs), else a new
one. The id is answered in the ``X-Request-ID`` header and set in
:data:`planner.composition.request_id`, so every line logged while the request
is answered carries it, the traceback of an unhandled exception included (Flask
logs those through ``app.logger``).
"""
from __future__ import annotations

import logging
import re
import secrets
import time

from flask import Flask, Response, g, request

from planner.composition import request_id

log = logging.getLogger(__name__)

HEADER = "X-Request-ID"

#: What a client's id may be: it goes into log lines and a response header as it is.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def incoming_or_new(value: str | None) -> str:
    """The client's id when it is 1-64 letters, digits, ``.``, ``_`` or ``-``; else a new random one.

    Examples
    --------
    >>> incoming_or_new("edge-7f3a.1")
    'edge-7f3a.1'
    >>> len(incoming_or_new("bad id\\n")), len(incoming_or_new(None))
    (16, 16)
    """
    if value and SAFE_ID.fullmatch(value):
        return value
    return secrets.token_hex(8)


def init_request_log(app: Flask) -> None:
    """Give every request of ``app`` an id, answer it, and log the request when it is answered."""
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_forget)


def _start() -> None:
    g.request_id = incoming_or_new(request.headers.get(HEADER))
    g.request_id_token = request_id.set(g.request_id)
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    if "request_id" not in g:  # a request that failed before its first hook ran
        return response
    response.headers[HEADER] = g.request_id
    elapsed_ms = (time.perf_counter() - g.request_started) * 1000
    log.info("%s %s %s %.1f ms", request.method, request.path, response.status_code, elapsed_ms)
    return response


def _forget(exc: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        request_id.reset(token)
