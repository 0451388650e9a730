"""A `planner serve` of a benchmark's own: started on a free loopback port, waited for, stopped.

Shared by the benchmarks that measure a live server (memory.py, attack.py, day_plans.py). Each script removes
this folder from the front of ``sys.path`` (benchmarks/calendar.py would stand in for the standard
library's calendar) and appends it at the end to import this module.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    """A TCP port nobody listens on now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int, env: dict[str, str], log, threads: int | None = None) -> subprocess.Popen:
    """``planner serve --port port --workers workers [--threads threads]`` in a child process with ``env``,
    logging to ``log``."""
    command = [sys.executable, "-c", "from planner.main import main; main()", "serve", "--port", str(port),
               "--workers", str(workers)] + (["--threads", str(threads)] if threads else [])
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)


def wait_until_up(base: str, server: subprocess.Popen, timeout_s: float = 180) -> None:
    """Return once ``base``/api/places answers; exit the benchmark if the server dies or stays silent."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{base}/api/places", timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer within {timeout_s:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    """Stop the server this script started (by its own process handle), killing it if it lingers."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
