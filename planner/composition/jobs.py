"""Long work off the request: a sweep's points on a job queue.

Two queues with one interface (:class:`JobQueue`):

- :class:`RqJobQueue`: RQ on Redis (``PLANNER_REDIS_URL`` or ``REDIS_URL``). Each point of a sweep
  is one RQ job, so several ``planner worker`` processes, on one machine or many, share a sweep;
  the sweep's id names an RQ group of its jobs, and its size and targets are kept in Redis beside
  them, so any web process can answer its status.
- :class:`LocalJobQueue`: without Redis, a pool of worker processes (``spawn``) in this process,
  ``job_workers`` of them (0: one per CPU). Its sweeps live as long as the process.

A status counts the points done (finished or failed) out of all; when every point has finished,
``result`` is :func:`planner.simulation.sweep.sweep_to_record` of the sweep. A point that failed
makes the sweep ``failed``, its ``error`` naming the point (headway and fleet) and the exception.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import threading
import traceback
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Callable, Protocol, Sequence

if TYPE_CHECKING:  # the core types; imported when a sweep runs, so this module loads without them
    from planner.simulation.sweep import SweepPoint, SweepTask, Targets

QUEUE_NAME = "planner-sweeps"
#: how long Redis keeps a sweep's points and bookkeeping after they were written: a day, long
#: enough to read a night's sweep the next morning, short enough that Redis does not fill up
KEEP_S = 24 * 3600
#: the longest one point may run on an RQ worker before it is stopped and reported failed: a point
#: is one scenario simulated (replications <= 50; benchmarks/simulation.py: 30 in under 20 s), so an
#: hour means a stuck worker, not a slow point
POINT_TIMEOUT_S = 3600
#: sweeps the local queue remembers (the oldest finished ones are forgotten first)
LOCAL_SWEEPS_KEPT = 100
STATES = ("queued", "running", "finished", "failed")
POINT_FUNCTION = "planner.simulation.sweep.run_sweep_task"


@dataclass(frozen=True)
class JobStatus:
    """Where a sweep is: ``state`` one of queued, running, finished, failed; ``done`` points out of ``total``."""

    id: str
    state: str
    done: int
    total: int
    result: dict | None = None
    error: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready.

        Examples
        --------
        >>> JobStatus("s1", "running", 3, 25).to_dict()
        {'id': 's1', 'state': 'running', 'done': 3, 'total': 25, 'result': None, 'error': None}
        """
        return asdict(self)


class JobQueue(Protocol):
    def submit_sweep(self, tasks: list[SweepTask], targets: Targets) -> str:
        """Queue every point of a sweep; returns the sweep's job id."""

    def status(self, job_id: str) -> JobStatus:
        """The sweep's progress, and its result once every point is done. Raises NotFound for an unknown id."""


def make_queue(redis_url: str | None, workers: int = 0, *, point: Callable | str = POINT_FUNCTION) -> JobQueue:
    """RQ on ``redis_url`` when given, else a local pool of ``workers`` processes (0: one per CPU).

    Examples
    --------
    >>> type(make_queue(None, 2)).__name__
    'LocalJobQueue'
    """
    if redis_url:
        from redis import Redis

        return RqJobQueue(Redis.from_url(redis_url), point=point)
    return LocalJobQueue(workers, point=point)


def _point_text(task: Any) -> str:
    return f"headway {task.headway_s} s, fleet {task.fleet}"


def _last_line(text: str | None) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "failed"


def _summary(points: Sequence[SweepPoint], targets: Targets) -> dict:
    from planner.simulation.sweep import sweep_result, sweep_to_record

    return sweep_to_record(sweep_result(points, targets))


def _resolve(point: Callable | str) -> Callable:
    if callable(point):
        return point
    module, _, name = point.rpartition(".")
    import importlib

    return getattr(importlib.import_module(module), name)


def _not_found(job_id: str):
    from planner.domain.errors import NotFound

    return NotFound("no_job", id=job_id)


# --- RQ on Redis


class RqJobQueue:
    """A sweep as RQ jobs, one per point, in the RQ queue ``planner-sweeps``, grouped by the sweep's id."""

    def __init__(self, connection, *, queue_name: str = QUEUE_NAME, point: Callable | str = POINT_FUNCTION):
        from rq import Queue

        self.connection = connection
        self.queue = Queue(queue_name, connection=connection)
        self.point = point

    def _key(self, sweep_id: str) -> str:
        return f"planner:sweep:{sweep_id}"

    def submit_sweep(self, tasks: list[SweepTask], targets: Targets) -> str:
        """Enqueue one RQ job per task (ids ``<sweep>-<i>``); returns the sweep id."""
        from rq.group import Group

        sweep_id = uuid.uuid4().hex
        self.connection.set(self._key(sweep_id), json.dumps({"total": len(tasks), "targets": asdict(targets)}),
                            ex=KEEP_S)
        point: Any = self.point  # a function or its dotted name: RQ stores the name either way
        jobs = [self.queue.prepare_data(point, args=(task,), job_id=f"{sweep_id}-{i}", timeout=POINT_TIMEOUT_S,
                                        result_ttl=KEEP_S, failure_ttl=KEEP_S, ttl=KEEP_S,
                                        description=f"sweep {sweep_id}: {_point_text(task)}",
                                        meta={"headway_s": task.headway_s, "fleet": task.fleet})
                for i, task in enumerate(tasks)]
        if jobs:
            Group(self.connection, sweep_id).enqueue_many(self.queue, jobs)
        return sweep_id

    def status(self, job_id: str) -> JobStatus:
        from rq.job import Job
        from rq.job import JobStatus as RqStatus
        from rq.results import Result

        raw = self.connection.get(self._key(job_id))
        if raw is None:
            raise _not_found(job_id)
        meta = json.loads(raw)
        total = meta["total"]
        jobs = Job.fetch_many([f"{job_id}-{i}" for i in range(total)], self.connection)
        points, errors, started = [], [], False
        for job in jobs:
            if job is None:  # expired before it ran: Redis dropped it
                errors.append("a point expired before a worker ran it")
                continue
            state = job.get_status(refresh=False)
            if state == RqStatus.FINISHED:
                points.append(job.return_value())
            elif state in (RqStatus.FAILED, RqStatus.STOPPED, RqStatus.CANCELED):
                latest = job.latest_result()
                text = latest.exc_string if latest is not None and latest.type != Result.Type.SUCCESSFUL else None
                where = f"headway {job.meta.get('headway_s')} s, fleet {job.meta.get('fleet')}"
                errors.append(f"{where}: {_last_line(text) if text else state.value}")
            elif state == RqStatus.STARTED:
                started = True
        return _status(job_id, total, points, errors, started, meta["targets"])


def _status(job_id: str, total: int, points: list, errors: list[str], started: bool, targets: dict) -> JobStatus:
    done = len(points) + len(errors)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return JobStatus(job_id, "failed", done, total, None, errors[0] + more)
    if done == total:
        from planner.simulation.sweep import Targets

        return JobStatus(job_id, "finished", done, total, _summary(points, Targets(**targets)))
    return JobStatus(job_id, "running" if started or done else "queued", done, total)


def run_worker(redis_url: str, *, burst: bool = False, max_jobs: int | None = None,
               queue_name: str = QUEUE_NAME) -> bool:
    """Run an RQ worker on ``redis_url`` for the sweeps' queue (``planner worker``); ``burst``: stop
    when the queue is empty; ``max_jobs``: stop after that many points. Each point runs in a fork of
    the worker (RQ's default), so a point that crashes its process fails alone."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(redis_url)
    worker = Worker([Queue(queue_name, connection=connection)], connection=connection)
    return worker.work(burst=burst, max_jobs=max_jobs, logging_level="INFO")  # a line per point


# --- a local pool


@dataclass
class _LocalSweep:
    futures: list[Future]
    tasks: list
    targets: Any
    result: dict | None = None


class LocalJobQueue:
    """A sweep's points on a pool of worker processes (spawned: no state shared with a threaded server)."""

    def __init__(self, workers: int = 0, *, point: Callable | str = POINT_FUNCTION):
        self.workers = workers or os.cpu_count() or 1
        self.point = point
        self._pool: ProcessPoolExecutor | None = None
        self._sweeps: OrderedDict[str, _LocalSweep] = OrderedDict()
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:  # at the first sweep: a server that never sweeps starts no processes
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def submit_sweep(self, tasks: list[SweepTask], targets: Targets) -> str:
        function = _resolve(self.point)
        sweep_id = uuid.uuid4().hex
        with self._lock:
            futures = [self._executor().submit(function, task) for task in tasks]
            self._sweeps[sweep_id] = _LocalSweep(futures, list(tasks), targets)
            while len(self._sweeps) > LOCAL_SWEEPS_KEPT:
                self._sweeps.popitem(last=False)
        return sweep_id

    def status(self, job_id: str) -> JobStatus:
        with self._lock:
            sweep = self._sweeps.get(job_id)
        if sweep is None:
            raise _not_found(job_id)
        points, errors = [], []
        for task, future in zip(sweep.tasks, sweep.futures):
            if not future.done():
                continue
            error = future.exception()
            if error is None:
                points.append(future.result())
            else:
                text = "".join(traceback.format_exception_only(type(error), error))
                errors.append(f"{_point_text(task)}: {_last_line(text)}")
        started = any(f.running() for f in sweep.futures)
        if not errors and len(points) == len(sweep.tasks):
            if sweep.result is None:
                sweep.result = _summary(points, sweep.targets)
            return JobStatus(job_id, "finished", len(points), len(points), sweep.result)
        return _status(job_id, len(sweep.tasks), points, errors, started, {})

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
