"""The live-run gate: one run per slot, first come first served, one run per key, leavers free their place."""

import threading

import pytest

from gradviz import gate

WAIT = 30  # seconds: generous bounds on waits for events, never a measured duration


class Work:
    """A run that blocks until released; records when it started. `reports`: whether it reports progress
    while it waits (where the gate may cancel it); a quiet run's progress stays 0."""

    def __init__(self, name: str, log: list, result=None, error: Exception | None = None, reports: bool = True):
        self.name, self.log, self.result, self.error, self.reports = name, log, result, error, reports
        self.started, self.release, self.calls = threading.Event(), threading.Event(), 0

    def __call__(self, on_step):
        self.calls += 1
        self.log.append(self.name)
        self.started.set()
        if not self.reports:
            self.release.wait()
        while not self.release.wait(0.01):
            on_step(0.5, "half way")  # where the gate may cancel a run nobody waits for
        if self.error is not None:
            raise self.error
        return self.result if self.result is not None else self.name


def test_at_most_slots_at_once_in_submission_order():
    g, log = gate.Gate(slots=2), []
    works = [Work(f"r{i}", log) for i in range(5)]
    jobs = [g.submit(f"k{i}", w, kind="x") for i, w in enumerate(works)]
    for w in works[:2]:
        assert w.started.wait(WAIT)
    assert [j.state for j in jobs] == ["running", "running", "queued", "queued", "queued"]
    assert g.position(jobs[4])[0] == 4  # two running, two queued before it
    # Each run that ends frees one slot, and the next in submission order takes it: with two slots, after
    # run i ends, runs i+1 and i+2 are the ones running and every later one still waits.
    for i, w in enumerate(works):
        w.release.set()
        assert g.wait(jobs[i], WAIT)
        if i + 2 < len(works):
            assert works[i + 2].started.wait(WAIT)
        running = {k for k, j in enumerate(jobs) if j.state == "running"}
        assert running == set(range(i + 1, min(i + 3, len(works)))), (i, [j.state for j in jobs])
        assert all(j.state == "queued" for j in jobs[i + 3 :]) and not any(x.started.is_set() for x in works[i + 3 :])
    assert sorted(log) == ["r0", "r1", "r2", "r3", "r4"]  # each ran once (the two slots append in any order)
    assert [j.outcome() for j in jobs] == ["r0", "r1", "r2", "r3", "r4"]


def test_identical_settings_train_once():
    g, log = gate.Gate(slots=1), []
    work = Work("once", log)
    first, second = g.submit("same", work), g.submit("same", Work("twice", log))
    assert first is second and first.waiters == 2
    work.release.set()
    assert g.wait(first, WAIT) and first.outcome() == "once"
    assert g.submit("same", Work("again", log)).outcome() == "once"  # finished: kept for later visitors
    assert log == ["once"]


def test_a_student_who_leaves_frees_their_place():
    g, log = gate.Gate(slots=1, grace=0.0), []
    a, b, c = Work("a", log), Work("b", log), Work("c", log)
    ja, jb, jc = g.submit("a", a), g.submit("b", b), g.submit("c", c)
    assert a.started.wait(WAIT) and ja.state == gate.RUNNING
    assert g.position(jc)[0] == 2
    g.leave(jb)  # b's student closed the tab while queued
    assert g.position(jc)[0] == 1
    a.release.set()
    assert c.started.wait(WAIT) and g.wait(jb, WAIT)
    with pytest.raises(gate.Cancelled):
        jb.outcome()
    c.release.set()
    assert g.wait(jc, WAIT) and log == ["a", "c"]


def test_a_run_nobody_waits_for_is_cancelled_and_frees_its_core():
    g, log = gate.Gate(slots=1, grace=0.0), []
    a, b = Work("a", log), Work("b", log)
    ja = g.submit("a", a)
    assert a.started.wait(WAIT)
    jb = g.submit("b", b)
    g.leave(ja)  # the only student waiting for a left while it trained
    assert g.wait(ja, WAIT) and ja.state == gate.CANCELLED
    assert b.started.wait(WAIT)  # the core went to the next in line
    b.release.set()
    assert g.wait(jb, WAIT) and jb.outcome() == "b"


def test_a_rerun_within_the_grace_keeps_the_run():
    g, log = gate.Gate(slots=1, grace=float("inf")), []  # however long the rerun takes, it is within the grace
    a = Work("a", log)
    ja = g.submit("a", a)
    assert a.started.wait(WAIT)
    g.leave(ja)  # the page reran (another control moved) ...
    assert g.submit("a", Work("a-again", log)) is ja  # ... and asked again: same run, still going
    a.release.set()
    assert g.wait(ja, WAIT) and ja.outcome() == "a" and log == ["a"]


def test_errors_reach_every_waiter_and_are_not_cached():
    g, log = gate.Gate(slots=1), []
    bad = Work("bad", log, error=ValueError("diverged"))
    job = g.submit("k", bad)
    bad.release.set()
    assert g.wait(job, WAIT)
    with pytest.raises(ValueError, match="diverged"):
        job.outcome()
    retry = Work("retry", log)
    again = g.submit("k", retry)
    assert again is not job
    retry.release.set()
    assert g.wait(again, WAIT) and again.outcome() == "retry"


def test_finished_results_are_bounded():
    g, log = gate.Gate(slots=1, keep=2), []
    for key in ("a", "b", "c"):
        w = Work(key, log)
        w.release.set()
        assert g.wait(g.submit(key, w), WAIT)
    fresh = Work("a2", log)
    fresh.release.set()
    job = g.submit("a", fresh)  # "a" was the least recently used of three: forgotten
    assert g.wait(job, WAIT) and job.outcome() == "a2"
    assert g.submit("c", Work("c2", log)).outcome() == "c"  # still kept


def test_eta_adds_up_the_runs_ahead_from_measured_times():
    g, log = gate.Gate(slots=1, prior_seconds=7.0), []
    assert g.estimate("x") == 7.0  # nothing measured yet: the prior
    g._seconds["x"] = 10.0  # as if one run of kind x had been timed at 10 s
    # quiet runs (no progress reported): the running one's remaining time is 10 s minus however long it has
    # run, in [0, 10] s whatever the machine's speed; one that reported its pace would bring its own clock in
    works = [Work(f"r{i}", log, reports=False) for i in range(4)]
    jobs = [g.submit(f"k{i}", w, kind="x") for i, w in enumerate(works)]
    assert works[0].started.wait(WAIT)
    ahead, seconds = g.position(jobs[3])
    # one running (at most 10 s left) and two queued, 10 s each
    assert ahead == 3 and 20.0 <= seconds <= 30.0
    for w in works:
        w.release.set()
    for j in jobs:
        assert g.wait(j, WAIT)
    assert g.position(jobs[3]) == (0, 0.0)
