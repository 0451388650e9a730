"""Absolute links (webcal feeds, event links in .ics files, day-plan links) from a configured base.

``url_for(..., _external=True)`` would take the host from the request's Host header, which the client
writes: a forged header would put another site's address into feeds and exported calendars (and into
the feed cache, for every visitor). Here every external URL is built from :func:`origin`:

- ``PLANNER_BASE_URL`` (``scheme://host[:port]``) when set: set it in production;
- else the request's host when it is a loopback name (``localhost``, ``127.x.x.x``, ``::1``) or the app
  is testing: the forms of local use;
- else the address the WSGI server itself is bound to (``SERVER_NAME``/``SERVER_PORT`` of the WSGI
  environment, never the Host header), with a warning in the log once.
"""
from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, request

log = logging.getLogger(__name__)
_warned: set[str] = set()


def check_base_url(value: str | None) -> str | None:
    """``value`` as an origin without a trailing slash; ValueError when it is not ``http(s)://host[:port]``."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"base_url must be http(s)://host[:port], got {value!r}")
    return f"{parts.scheme}://{parts.netloc}"


def _is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def origin() -> str:
    """The origin (``scheme://host[:port]``) absolute links of this request start with."""
    configured = current_app.config.get("PLANNER_BASE_URL")
    if configured:
        return configured
    if current_app.testing or _is_loopback(request.host):
        return request.host_url.rstrip("/")
    env = request.environ
    scheme, port = env.get("wsgi.url_scheme", "http"), str(env.get("SERVER_PORT", ""))
    default = (scheme, port) in (("http", "80"), ("https", "443"))
    server = env.get("SERVER_NAME", "localhost") + ("" if default or not port else f":{port}")
    if server not in _warned:
        _warned.add(server)
        log.warning("PLANNER_BASE_URL is not set: absolute links use the server's address %s://%s, "
                    "not the Host header", scheme, server)
    return f"{scheme}://{server}"


def init_base_url(app: Flask, base_url: str | None) -> None:
    """Make ``url_for(..., _external=True)`` (in views and templates) build on :func:`origin`."""
    app.config["PLANNER_BASE_URL"] = check_base_url(base_url)
    build = app.url_for

    def url_for(endpoint: str, *, _anchor: str | None = None, _method: str | None = None,
                _scheme: str | None = None, _external: bool | None = None, **values):
        if not _external or not request:
            return build(endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external,
                         **values)
        path = build(endpoint, _anchor=_anchor, _method=_method, _external=False, **values)
        return origin() + path

    app.url_for = url_for  # type: ignore[method-assign]  # flask.url_for calls current_app.url_for
    app.jinja_env.globals["url_for"] = url_for  # the templates' url_for (bound before this)
