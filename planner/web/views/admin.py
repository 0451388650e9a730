"""Accounts, for admins: list, create, change role, set a password, disable or enable."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from planner.domain.errors import BadRequest
from planner.store import ROLES, LastAdmin
from planner.web.views.auth import requires
from planner.web.i18n.core import _
from planner.web.state import state

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@requires("admin")
def users():
    return render_template("admin/users.html", users=state().accounts.all(), roles=ROLES, error=None)


@bp.post("/users")
@requires("admin")
def create_user():
    form = request.form
    try:
        user = state().accounts.create(form.get("name", "").strip(), form.get("password", ""), form.get("role", ""))
    except BadRequest as exc:  # a name taken (also by a create at the same moment) is a conflict: 409
        status = 409 if exc.code == "account_exists" else 422
        return render_template("admin/users.html", users=state().accounts.all(), roles=ROLES, error=exc), status
    flash(_("Account %(name)s updated.", name=user.name), "ok")
    return redirect(url_for(".users"))


@bp.post("/users/<name>")
@requires("admin")
def update_user(name: str):
    accounts, form = state().accounts, request.form
    try:
        if form.get("role"):
            accounts.set_role(name, form["role"])
        if form.get("password"):
            accounts.set_password(name, form["password"])
        if form.get("active") in ("0", "1"):
            accounts.set_active(name, form["active"] == "1")
    except LastAdmin as exc:  # the last active admin stays one
        return render_template("admin/users.html", users=accounts.all(), roles=ROLES, error=exc), 409
    except BadRequest as exc:
        return render_template("admin/users.html", users=accounts.all(), roles=ROLES, error=exc), 422
    flash(_("Account %(name)s updated.", name=name), "ok")
    return redirect(url_for(".users"))
