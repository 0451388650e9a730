"""Accounts on the web: login and logout, roles on every write, CSRF, cookie settings.

Every view that writes is wrapped in :func:`requires` (a role) or
:func:`requires_login`; anonymous requests get 401 with the login form, a
logged-in account without the role 403. ``tests/calendar/test_auth.py`` walks
the URL map to prove it for every route that takes POST, PUT, PATCH or DELETE.
CSRFProtect covers every form; sessions use Flask's signed cookie, HttpOnly,
SameSite=Lax and Secure unless configured off for plain-http local use.
"""
from __future__ import annotations

import os
import secrets
from functools import wraps
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from planner.store import LoginFailed, LoginLocked, User
from planner.messages import describe
from planner.web.i18n.core import _, current_lang, word
from planner.web.errors import error_answer
from planner.web.state import state

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()
login_manager = LoginManager()
ANY_ROLE = "any"
# staff, planner (scenarios), admin and account pages: answered with Cache-Control: no-store
NO_STORE_PREFIXES = ("/staff", "/scenarios", "/admin", "/login", "/logout", "/account")


class SessionUser(UserMixin):
    """The logged-in account; the session names it by its session token, which a new password replaces."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return self.user.session_token

    @property
    def is_active(self) -> bool:
        return self.user.active

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def role(self) -> str:
        return self.user.role

    def can(self, role: str) -> bool:
        return self.user.can(role)


def requires(role: str):
    """Only accounts with ``role`` (or admins): 401 for anonymous requests, 403 for other roles."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if role != ANY_ROLE and not current_user.can(role):
                abort(403, description=_("This needs the %(role)s role.", role=word("role", role)))
            return view(*args, **kwargs)
        # a mark on the view itself (mypy types no attributes on functions): tests/calendar/test_auth.py
        # finds every write without a role by it
        guarded.required_role = role  # type: ignore[attr-defined]  # see above: a function's own attribute
        return guarded
    return decorate


requires_login = requires(ANY_ROLE)


def init_auth(app: Flask) -> None:
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax",
                      REMEMBER_COOKIE_SECURE=app.config["SESSION_COOKIE_SECURE"])
    # A form may stay open for hours while staff write: its token lives as long as the session.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    settings = app.extensions["planner"].settings
    if not settings.secret_key and not app.testing:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    if settings.behind_proxy:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask's documented way to wrap the app in WSGI middleware; mypy sees a method replaced
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    from planner.web.base_url import init_base_url

    init_base_url(app, settings.base_url)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "basic"
    app.register_blueprint(bp)

    @app.after_request
    def _protective_headers(response):
        # no page of the site may be framed (clickjacking); pages with an account's data are never stored
        response.headers.setdefault("X-Frame-Options", "DENY")
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        if request.path.startswith(NO_STORE_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError):
        return _refuse(400, _("The form is no longer valid (CSRF check failed): go back, reload the page and submit again."))

    @app.errorhandler(403)
    def forbidden(exc):
        return _refuse(403, exc.description or _("Not allowed."))


@login_manager.user_loader
def _load_user(token: str) -> SessionUser | None:
    user = state().accounts.by_session_token(token)
    return SessionUser(user) if user else None


@login_manager.unauthorized_handler
def _unauthorized():
    if _wants_json():
        return error_answer(401, "unauthorized", "log in first")
    back = request.full_path.rstrip("?") if request.method == "GET" else None  # a form post is not repeated
    return render_template("auth/login.html", next=back, message=_("Please log in first."), name=""), 401


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; on success, on to ``next`` (a path of this site) or the staff calendar."""
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/login.html", next=target, message=None, name="")
    name = request.form.get("name", "").strip()
    try:
        user = state().accounts.authenticate(name, request.form.get("password", ""), request.remote_addr or "-")
    except LoginLocked as exc:
        page = render_template("auth/login.html", next=target, name=name,
                               message=describe(exc, current_lang()))
        return page, 429, {"Retry-After": str(exc.retry_after_s)}
    except LoginFailed:
        return render_template("auth/login.html", next=target, name=name, message=_("Wrong name or password.")), 401
    session.clear()  # nothing of the anonymous session carries over
    login_user(SessionUser(user))
    return redirect(target or url_for("staff.week"))


@bp.post("/logout")
@requires_login
def logout():
    state().accounts.end_sessions(current_user.name)  # every session of the account ends, copies included
    logout_user()
    session.clear()
    return redirect(url_for("pages.home"))


def _safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site (never another host)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _refuse(status: int, message: str):
    if _wants_json():
        return error_answer(status, "csrf_failed" if status == 400 else "forbidden", message)
    return render_template("error.html", status=status, message=message, field=None), status


def _instance_secret(instance: Path) -> str:
    """The app's secret key, kept in the instance folder so sessions outlive a restart."""
    path = instance / "secret_key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key
