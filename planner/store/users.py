"""Accounts: names, roles, Argon2 password hashes, and throttled logins.

Roles: ``staff`` keep the event calendar, ``planner`` the shuttle scenarios,
``admin`` the accounts (and may do everything). Failed logins are recorded in
the database: after :data:`MAX_FAILURES` failures for one account from one
address within :data:`LOCK_WINDOW`, that pair is locked until the oldest of
them is older than the window; one address failing on many accounts is locked
after :data:`MAX_FAILURES_PER_IP`.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from planner.domain.errors import BadRequest, NotFound, PlannerError
from planner.store.db import Taken, is_postgres, read_connection, utcnow, write_transaction
from planner.store.schema import login_failures, users

ROLES = ("staff", "planner", "admin")
MIN_PASSWORD = 10
MAX_FAILURES = 5
MAX_FAILURES_PER_IP = 50
LOCK_WINDOW = dt.timedelta(minutes=5)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    active: bool
    session_token: str

    def can(self, role: str) -> bool:
        """Whether the account may act in ``role`` (admins may act in every role)."""
        return self.active and (self.role == role or self.role == "admin")


class LoginFailed(PlannerError):
    """Wrong name or password (which of the two is not said)."""


class LastAdmin(BadRequest):
    """The change would leave no active admin (refused: nobody could manage the accounts then)."""

    def __init__(self, name: str):
        super().__init__("role", "last_admin", value=name)


class LoginLocked(PlannerError):
    """Too many failed logins: try again after ``retry_after_s`` seconds."""

    code = "login_locked"

    def __init__(self, retry_after_s: int):
        self.retry_after_s = retry_after_s
        super().__init__(retry_after_s=retry_after_s)


class UserStore:
    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None):
        self.engine = engine
        self.hasher = hasher or PasswordHasher()
        self._dummy_hash = self.hasher.hash(secrets.token_hex(16))

    def create(self, name: str, password: str, role: str) -> User:
        _check_name(name)
        _check_role(role)
        _check_password(password)
        password_hash = self.hasher.hash(password)  # the slow part, outside the transaction
        try:
            with write_transaction(self.engine) as conn:
                if conn.execute(sa.select(users.c.id).where(users.c.name == name)).first():
                    raise BadRequest("name", "account_exists", value=name)
                token = secrets.token_hex(32)
                key = conn.execute(sa.insert(users).values(
                    name=name, role=role, password_hash=password_hash, active=True,
                    session_token=token, created_at=utcnow())).inserted_primary_key
                assert key is not None  # an INSERT of one row has its key
                new_id = key[0]
        except Taken:  # created by another request at the same moment (PostgreSQL's unique name)
            raise BadRequest("name", "account_exists", value=name) from None
        return User(new_id, name, role, True, token)

    def get(self, name: str) -> User:
        found = self._one(users.c.name == name)
        if found is None:
            raise NotFound("no_account", name=name)
        return found

    def by_session_token(self, token: str) -> User | None:
        found = self._one(users.c.session_token == token)
        return found if found and found.active else None

    def all(self) -> list[User]:
        with read_connection(self.engine) as conn:
            return [_user(row) for row in conn.execute(sa.select(users).order_by(users.c.name))]

    def set_password(self, name: str, password: str) -> User:
        """A new password; the old sessions of the account end."""
        _check_password(password)
        return self._set(name, password_hash=self.hasher.hash(password), session_token=secrets.token_hex(32))

    def set_role(self, name: str, role: str) -> User:
        """A new role; refused (:class:`LastAdmin`) when it would leave no active admin."""
        _check_role(role)
        return self._set(name, keep_admin=role != "admin", role=role)

    def set_active(self, name: str, active: bool) -> User:
        """Disable or enable an account; disabling ends its sessions (and is refused for the last admin)."""
        return self._set(name, keep_admin=not active, active=active, session_token=secrets.token_hex(32))

    def end_sessions(self, name: str) -> None:
        """End every session of the account (logout): the token its session cookies name is replaced."""
        self._set(name, session_token=secrets.token_hex(32))

    def authenticate(self, name: str, password: str, ip: str) -> User:
        """The account when name and password match; raises LoginLocked or LoginFailed."""
        self._count_attempt(name, ip)  # raises LoginLocked; else the attempt counts as failed until it succeeds
        with read_connection(self.engine) as conn:
            row = conn.execute(sa.select(users).where(users.c.name == name)).first()
        stored_hash = row.password_hash if row is not None else self._dummy_hash  # same work either way
        try:
            self.hasher.verify(stored_hash, password)
            ok = row is not None and row.active
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None:  # no row: never ok (the attempt stays recorded as a failure)
            raise LoginFailed("wrong_name_or_password")
        with write_transaction(self.engine) as conn:
            conn.execute(sa.delete(login_failures).where(login_failures.c.name == name,
                                                         login_failures.c.ip == ip))
            if self.hasher.check_needs_rehash(row.password_hash):
                conn.execute(sa.update(users).where(users.c.id == row.id)
                             .values(password_hash=self.hasher.hash(password)))
        return _user(row)

    def _count_attempt(self, name: str, ip: str) -> None:
        """Check the lock and record this attempt as a failure in one transaction, so that simultaneous
        attempts are counted one after the other (SQLite: one writer; PostgreSQL: a lock per address):
        at most :data:`MAX_FAILURES` passwords are ever checked per account and address in the window."""
        now = utcnow()
        with write_transaction(self.engine) as conn:
            if is_postgres(self.engine):
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(
                    sa.func.hashtext(sa.literal("planner-login:") + ip[:64]))))
            retry = self._wait(conn, name, ip)
            if retry:
                raise LoginLocked(retry)
            conn.execute(sa.insert(login_failures).values(name=name[:100], ip=ip[:64], at=now))
            conn.execute(sa.delete(login_failures).where(login_failures.c.at < now - dt.timedelta(days=1)))

    @staticmethod
    def _wait(conn, name: str, ip: str) -> int:
        now = utcnow()
        since = now - LOCK_WINDOW
        waits = []
        for condition, limit in (((login_failures.c.name == name) & (login_failures.c.ip == ip), MAX_FAILURES),
                                 (login_failures.c.ip == ip, MAX_FAILURES_PER_IP)):
            times = list(conn.execute(
                sa.select(login_failures.c.at).where(condition, login_failures.c.at > since)
                .order_by(login_failures.c.at.desc()).limit(limit)).scalars())
            if len(times) >= limit:
                waits.append((times[-1] + LOCK_WINDOW - now).total_seconds())
        return max(1, round(max(waits))) if waits else 0

    def _one(self, condition) -> User | None:
        with read_connection(self.engine) as conn:
            row = conn.execute(sa.select(users).where(condition)).first()
        return _user(row) if row else None

    def _set(self, name: str, keep_admin: bool = False, **values) -> User:
        """Update the account; with ``keep_admin``, refuse when it is the last active admin (checked in
        the same transaction, under a lock on PostgreSQL, so two admins demoting each other at once
        cannot both succeed)."""
        with write_transaction(self.engine) as conn:
            if keep_admin:
                if is_postgres(self.engine):
                    conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext("planner-admins"))))
                admins = set(conn.execute(sa.select(users.c.name).where(users.c.role == "admin",
                                                                           users.c.active.is_(True))).scalars())
                if admins == {name}:
                    raise LastAdmin(name)
            if conn.execute(sa.update(users).where(users.c.name == name).values(**values)).rowcount != 1:
                raise NotFound("no_account", name=name)
        return self.get(name)


def _user(row) -> User:
    return User(row.id, row.name, row.role, row.active, row.session_token)


def _check_name(name: str) -> None:
    if not _NAME.match(name or ""):
        raise BadRequest("name", "bad_account_name")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise BadRequest("role", "not_one_of", value=role, choices=tuple(ROLES))


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise BadRequest("password", "password_too_short", min_length=MIN_PASSWORD)
