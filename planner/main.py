"""The ``planner`` command: the CLI's commands and the web server's ``serve``, joined.

The one module above both the web layer and the CLI (see the import-linter
contracts in pyproject.toml): neither imports the other.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from planner.cli.common import data_dir_option, print_problems
from planner.cli.main import main
from planner.composition import Settings, configure_logging
from planner.domain.errors import DataError

__all__ = ["main"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (gunicorn workers), all on one database.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Request threads in each process.")
@data_dir_option
def serve(host: str, port: int, workers: int, threads: int, data_dir: Path | None) -> None:
    """Start the web app: gunicorn with WORKERS processes of THREADS threads each.

    The app (data, database, session key) is built once, before the processes are
    forked: a bad data folder stops the start here, the database is migrated and
    seeded once, and every process signs sessions with one key.
    """
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    metrics_dir = prepare_metrics_dir()  # before prometheus_client is first imported (by planner.web)
    master = os.getpid()
    try:
        _serve(host, port, workers, threads, data_dir, metrics_dir)
    finally:  # also when the data fail (exit 1): no folder left behind, the environment as it was
        # a worker leaving (gunicorn's children exit through here too) must not remove the others' files
        if given is None and os.getpid() == master:
            os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _serve(host: str, port: int, workers: int, threads: int, data_dir: Path | None, metrics_dir: str) -> None:
    from planner.web import create_app

    config: dict = {"DATA_DIR": str(data_dir)} if data_dir else {}
    settings = Settings.from_overrides(config)
    configure_logging(settings)  # before the app is built: the feed's warnings are logged while it loads
    if host in LOOPBACK and "session_cookie_secure" not in settings.model_fields_set:
        config["SESSION_COOKIE_SECURE"] = False  # plain http on this machine: cookies must travel without TLS
    if not settings.secret_key:  # one key for every process: made (once, race-free) before they start
        config["SECRET_KEY"] = instance_secret(settings.instance_dir)
    if workers > 1 and "plan_workers" not in settings.model_fields_set:
        # day plans: one plan process per CPU for the whole host, not per server process
        config["PLAN_WORKERS"] = max(1, _cpus() // workers)
    try:
        app = create_app(config)
    except DataError as exc:
        print_problems(exc)
        sys.exit(1)
    services = app.extensions["planner"]
    database = services.database
    click.echo(f"Database: {database.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"Metrics: /metrics, every process's figures in {metrics_dir}")
    if workers > 1 and not services.settings.redis_url:
        click.echo("Rate limits are counted per process (no REDIS_URL): a client may get up to "
                   f"{workers} times each limit", err=True)
    database.engine.dispose()  # the workers open their own connections
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    click.echo(f"Serving on http://{bind}/ with {workers} process(es) x {threads} threads (Ctrl-C to stop)")
    PlannerServer(app, bind=bind, workers=workers, threads=threads, metrics_dir=metrics_dir).run()


def instance_secret(instance: Path) -> str:
    """The session key kept in ``instance/secret_key``, made there if missing.

    Race-free: a new key is written whole to a file of its own, then linked to its name (which
    fails if another process linked one first); every process then reads the one linked. A reader
    never sees a half-written key.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> key = instance_secret(folder)
    >>> len(key), instance_secret(folder) == key
    (64, True)
    """
    import secrets

    path = instance / "secret_key"
    if not path.is_file():
        instance.mkdir(parents=True, exist_ok=True)
        fd, draft = tempfile.mkstemp(prefix=".secret_key-", dir=instance)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(secrets.token_hex(32))
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(draft, 0o600)
            try:
                os.link(draft, path)
            except FileExistsError:
                pass  # another process made it first: theirs is the key
        finally:
            os.unlink(draft)
    return path.read_text(encoding="utf-8").strip()


def _cpus() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def prepare_metrics_dir() -> str:
    """A fresh, empty folder for prometheus_client's multiprocess files, named in
    ``PROMETHEUS_MULTIPROC_DIR`` for this process and the workers it forks.

    A folder given in the environment is emptied (its files of an earlier run would count again);
    otherwise a temporary one is made (and removed when the server stops, unless it is killed).
    """
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.db"):
            old.unlink()
        path = str(folder)
    else:
        path = tempfile.mkdtemp(prefix="planner-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    return path


def _gunicorn_application() -> type:
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):
        """gunicorn's documented custom application: the options below, the app built already."""

        def __init__(self, app: Any, options: dict[str, Any]) -> None:
            self.options = options
            self.application = app
            super().__init__()

        def load_config(self) -> None:
            for name, value in self.options.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return self.application

    return _Server


def _gunicorn_logs() -> type:
    from gunicorn.glogging import Logger

    class _Logs(Logger):
        """gunicorn's own lines (workers booting, exiting, timing out) through the planner's logging:
        one format (text or JSON, ``PLANNER_LOG_FORMAT``) for the whole server."""

        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for handler in list(self.error_log.handlers):
                self.error_log.removeHandler(handler)
            self.error_log.propagate = True

    return _Logs


class PlannerServer:
    """gunicorn (``gthread`` workers) serving one planner app built in this process, then forked.

    After the fork each worker drops the database connections it inherited (a connection is never
    shared by two processes); when a worker exits, its metrics files are marked dead.
    """

    def __init__(self, app: Any, *, bind: str, workers: int, threads: int, metrics_dir: str) -> None:
        self.app = app

        def post_fork(server: Any, worker: Any) -> None:
            database = app.extensions["planner"].database
            if database is not None:
                database.engine.dispose(close=False)  # the parent's pooled connections stay the parent's

        def child_exit(server: Any, worker: Any) -> None:
            from prometheus_client import multiprocess

            multiprocess.mark_process_dead(worker.pid, metrics_dir)

        self.options = {
            "bind": [bind], "workers": workers, "worker_class": "gthread", "threads": threads,
            "timeout": 120,  # a worker silent this long is restarted (a day plan stops at plan_deadline_s)
            "graceful_timeout": 30, "keepalive": 5,
            "accesslog": None,  # every request is logged by planner.web.request_log, with its id
            "logger_class": _gunicorn_logs(),
            # a proxy's X-Forwarded-* are trusted by the app alone, when behind_proxy says so (ProxyFix)
            "secure_scheme_headers": {},
            "post_fork": post_fork, "child_exit": child_exit,
            "proc_name": "planner", "control_socket_disable": True,  # several servers may run on one host
        }

    def run(self) -> None:
        _gunicorn_application()(self.app, self.options).run()


main.add_command(serve)
