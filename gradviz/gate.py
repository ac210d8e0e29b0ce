"""A fair gate in front of live training runs: at most one run per core, first come first served.

Every student's session is a thread of one server process. Ten students asking for ten different live
runs at once would otherwise train ten networks interleaved on two cores, so every one of them waits for
the sum of all ten and nobody finishes first. The gate runs at most `slots` (default: the machine's cores)
at a time, in submission order, in its own worker threads; a waiting student sees how many runs are ahead
and about how long that is, from the run times measured so far.

- Identical settings train once: a job is keyed (the result key: config + code version), and a second
  request for a key that is queued or running waits for the same job; a finished one is kept (bounded).
- A student who leaves frees their place: every waiter `leave()`s when its page stops (finished, rerun,
  tab closed). A job nobody has waited for during `grace` seconds is dropped from the queue, or cancelled at
  its next progress report if it is already training.

The gate never imports streamlit: gradviz.ui draws the queue position and the progress bar.
"""

from __future__ import annotations

import heapq
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gradviz.progress import ProgressFn

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"


class Cancelled(Exception):
    """Raised inside a run's progress callback when nobody waits for its result any more."""


@dataclass(eq=False)
class Job:
    """One live run, shared by every session that asked for its key."""

    key: str
    kind: str  # what runs (an experiment name): run times are estimated per kind
    work: Callable[[ProgressFn], Any] | None  # work(on_step) -> result
    submitted: float = field(default_factory=time.monotonic)
    state: str = QUEUED
    fraction: float = 0.0  # progress reported by the run, 0..1
    message: str = ""
    started: float | None = None
    finished: float | None = None
    waiters: int = 0  # sessions waiting for this job now
    abandoned_at: float | None = None  # when waiters last fell to zero
    result: Any = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def outcome(self) -> Any:
        """The run's result; re-raises its error (or Cancelled)."""
        if self.state == DONE:
            return self.result
        if self.error is not None:
            raise self.error
        raise Cancelled(f"run {self.key} was cancelled")


class Gate:
    def __init__(
        self, slots: int | None = None, keep: int = 64, grace: float = 5.0, prior_seconds: float = 10.0
    ):
        self.slots = max(1, slots or os.cpu_count() or 1)  # runs at a time: one per core
        self.keep = keep  # finished results remembered for later requests (bounded: a day of settings)
        self.grace = grace  # seconds an abandoned job keeps its place (a rerun of the same page returns)
        self.prior_seconds = prior_seconds  # run-time guess before anything of that kind has been timed
        self._cond = threading.Condition()
        self._queue: deque[Job] = deque()
        self._active: dict[str, Job] = {}  # key -> queued or running job
        self._finished: OrderedDict[str, Job] = OrderedDict()  # key -> done job, least recently used first
        self._seconds: dict[str, float] = {}  # kind -> measured run time (running mean)
        self._workers: list[threading.Thread] = []

    # -- for the sessions ------------------------------------------------------------------------

    def submit(self, key: str, work: Callable[[ProgressFn], Any], kind: str = "") -> Job:
        """The job for `key`: finished, in progress, or queued now. The caller must `leave(job)` when done
        waiting (a finished job needs no leave, but one is harmless)."""
        with self._cond:
            found = self._finished.get(key)
            if found is not None:
                self._finished.move_to_end(key)
                return found
            job = self._active.get(key)
            if job is None:
                job = Job(key=key, kind=kind, work=work)
                self._active[key] = job
                self._queue.append(job)
                self._start_workers()
                self._cond.notify_all()
            job.waiters += 1
            job.abandoned_at = None
            return job

    def leave(self, job: Job) -> None:
        """One session stops waiting for `job` (it got the result, or its page stopped)."""
        with self._cond:
            if job.state in (QUEUED, RUNNING) and job.waiters > 0:
                job.waiters -= 1
                if job.waiters == 0:
                    job.abandoned_at = time.monotonic()
            self._cond.notify_all()

    def wait(self, job: Job, timeout: float) -> bool:
        """Block up to `timeout` seconds; True once the job has ended (done, failed or cancelled)."""
        return job.done.wait(timeout)

    def position(self, job: Job) -> tuple[int, float | None]:
        """(runs ahead of `job`: running ones and queued before it, expected seconds until it starts).
        (0, 0.0) once it runs; the seconds are None until a run time can be estimated."""
        with self._cond:
            if job.state != QUEUED:
                return 0, 0.0
            now = time.monotonic()
            running = [j for j in self._active.values() if j.state == RUNNING]
            ahead = []
            for j in self._queue:
                if j is job:
                    break
                if not self._abandoned(j, now):
                    ahead.append(j)
            # Simulate the slots: each frees when its current run ends, then takes the next queued run.
            free_at = [self._remaining(j, now) for j in running] + [0.0] * max(0, self.slots - len(running))
            if any(t is None for t in free_at):
                return len(running) + len(ahead), None
            heapq.heapify(free_at)
            for j in ahead:
                est = self._estimate(j.kind)
                if est is None:
                    return len(running) + len(ahead), None
                heapq.heappush(free_at, heapq.heappop(free_at) + est)
            return len(running) + len(ahead), float(free_at[0])

    def estimate(self, kind: str) -> float | None:
        """Expected seconds of one run of `kind`."""
        with self._cond:
            return self._estimate(kind)

    def forget(self) -> None:
        """Drop every finished result (tests; a developer's reload)."""
        with self._cond:
            self._finished.clear()

    # -- inside -----------------------------------------------------------------------------------

    def _estimate(self, kind: str) -> float | None:
        if kind in self._seconds:
            return self._seconds[kind]
        # Nothing finished yet: extrapolate from a run of this kind in progress, else the prior.
        for j in self._active.values():
            if j.kind == kind and j.state == RUNNING and j.fraction >= 0.05 and j.started is not None:
                return (time.monotonic() - j.started) / j.fraction
        return self.prior_seconds

    def _remaining(self, job: Job, now: float) -> float | None:
        est = self._estimate(job.kind)
        if job.started is None or est is None:
            return est
        if job.fraction >= 0.05:  # its own pace is the best guess of its end
            est = (now - job.started) / job.fraction
        return max(0.0, est - (now - job.started))

    def _abandoned(self, job: Job, now: float) -> bool:
        return job.waiters == 0 and job.abandoned_at is not None and now - job.abandoned_at >= self.grace

    def _start_workers(self) -> None:
        self._workers = [w for w in self._workers if w.is_alive()]
        while len(self._workers) < self.slots:
            w = threading.Thread(
                target=self._work_loop, name=f"gradviz-gate-{len(self._workers)}", daemon=True
            )
            self._workers.append(w)
            w.start()

    def _next_job(self) -> Job:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._queue:
                    job = self._queue.popleft()
                    if self._abandoned(job, now):
                        self._end(job, CANCELLED, error=Cancelled(f"nobody waits for run {job.key}"))
                        continue
                    job.state, job.started = RUNNING, now
                    return job
                self._cond.wait()

    def _work_loop(self) -> None:
        while True:
            job = self._next_job()

            def on_step(fraction: float, message: str, job: Job = job) -> None:
                job.fraction, job.message = max(job.fraction, min(1.0, fraction)), message
                if self._abandoned(job, time.monotonic()):
                    raise Cancelled(f"nobody waits for run {job.key}")

            try:
                assert job.work is not None
                result = job.work(on_step)
            except Cancelled as exc:
                with self._cond:
                    self._end(job, CANCELLED, error=exc)
            except BaseException as exc:  # noqa: BLE001 - handed to every waiter, who re-raises it
                with self._cond:
                    self._end(job, FAILED, error=exc)
            else:
                with self._cond:
                    seconds = time.monotonic() - (job.started or job.submitted)
                    old = self._seconds.get(job.kind)
                    self._seconds[job.kind] = seconds if old is None else 0.5 * (old + seconds)
                    job.result = result
                    self._end(job, DONE)
                    self._finished[job.key] = job
                    while len(self._finished) > self.keep:
                        self._finished.popitem(last=False)

    def _end(self, job: Job, state: str, error: BaseException | None = None) -> None:
        """Under the lock: mark `job` ended, release its key and wake its waiters."""
        job.state, job.error, job.finished = state, error, time.monotonic()
        job.work = None  # free the closure (config, data) once it ran
        if self._active.get(job.key) is job:
            del self._active[job.key]
        job.done.set()
        self._cond.notify_all()
