"""Logging, configured once from the settings, for ``planner serve`` and the CLI.

Modules log through ``logging.getLogger(__name__)``; :func:`configure_logging`
gives the root logger one handler on standard error. Every line carries the id
of the web request it was written during (``-`` outside requests): the web
layer sets :data:`request_id` and :class:`RequestIdFilter` copies it onto each
record.
"""
from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from typing import TextIO

from planner.composition.settings import Settings

#: The id of the request being answered in this thread (or context); "-" outside requests.
request_id: ContextVar[str] = ContextVar("request_id", default="-")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record as ``record.request_id``; drops nothing.

    Examples
    --------
    >>> record = logging.LogRecord("planner", logging.INFO, __file__, 1, "hello", None, None)
    >>> token = request_id.set("abc123")
    >>> RequestIdFilter().filter(record), record.request_id
    (True, 'abc123')
    >>> request_id.reset(token)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, pid (the process: ``planner serve --workers N``
    runs several), request_id, message (and the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                 "pid": record.process, "request_id": getattr(record, "request_id", "-"),
                 "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class CliFormatter(logging.Formatter):
    """``warning: <message>``, as a command-line tool says it."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {super().format(record)}"


class _StandardError(logging.StreamHandler[TextIO]):
    """Writes to ``sys.stderr`` as it is when a record comes, not as it was when configured
    (click's test runner swaps it for each command)."""

    #: what configure_logging installed (and a second call replaces)
    _planner = True

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass  # always the current sys.stderr


def configure_logging(settings: Settings, *, cli: bool = False) -> logging.Handler:
    """Give the root logger one handler on standard error, formatted and levelled by ``settings``.

    Calling it again replaces the handler it installed before (and no other).
    ``cli``: lines read ``warning: ...`` (the text format), and the level is
    WARNING unless ``PLANNER_LOG_LEVEL`` was set, so a command's own output
    is not buried in information lines.

    Returns
    -------
    logging.Handler
        The handler installed.
    """
    handler = _StandardError()
    handler.addFilter(RequestIdFilter())
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(CliFormatter() if cli else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_planner", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    explicit = "log_level" in settings.model_fields_set
    root.setLevel(settings.log_level if explicit or not cli else logging.WARNING)
    # Alembic lists its plugins at every start: noise unless debugging
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.DEBUG if root.level <= logging.DEBUG
                                                          else logging.WARNING)
    return handler
