"""Fair and responsive under load: coalescing, queue limits, priority (dashboard/scheduler)."""

from __future__ import annotations

import threading
import time

from simulator.dashboard.scheduler import ComputeGate, TabWorker


def _blocker(worker: TabWorker) -> threading.Event:
    """Occupy the worker until the returned event is set."""
    release = threading.Event()
    started = threading.Event()

    def job() -> None:
        started.set()
        release.wait(10)

    worker.submit("view", job, compute=False)
    assert started.wait(5)
    return release


def test_rapid_control_changes_coalesce_and_the_last_value_wins():
    worker = TabWorker(ComputeGate())
    applied: list[int] = []
    release = _blocker(worker)
    for value in range(20):
        assert worker.submit("control", lambda v=value: applied.append(v), key="control:cohort")
    worker.submit("control", lambda: applied.append(-1), key="control:seed")
    release.set()
    assert worker.idle(10)
    assert applied == [19, -1]  # one build per control, with its last value
    assert worker.coalesced == 19
    worker.close()


def test_each_tabs_queue_is_limited():
    worker = TabWorker(ComputeGate())
    ran: list[int] = []
    release = _blocker(worker)
    accepted = [worker.submit("step", lambda k=k: ran.append(k)) for k in range(100)]
    assert accepted[:2] == [True, True] and not any(accepted[2:])
    assert worker.dropped == {"step": 98}
    release.set()
    assert worker.idle(10)
    assert ran == [0, 1]  # 100 clicks drain in two steps, not a hundred
    worker.close()


def test_the_projected_tab_goes_first():
    gate = ComputeGate()
    order: list[str] = []
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with gate.slot():
            holding.set()
            release.wait(10)

    def want(name: str, priority: bool) -> None:
        with gate.slot(priority):
            order.append(name)

    threads = [threading.Thread(target=hold)]
    threads[0].start()
    assert holding.wait(5)
    for name, priority in (("other-1", False), ("other-2", False), ("projected", True)):
        t = threading.Thread(target=want, args=(name, priority))
        t.start()
        threads.append(t)
        time.sleep(0.1)  # the others have waited longer
    release.set()
    for t in threads:
        t.join(10)
    assert order[0] == "projected" and sorted(order[1:]) == ["other-1", "other-2"]


def test_a_ticker_plays_until_it_says_stop_and_jobs_go_first():
    worker = TabWorker(ComputeGate())
    ticks: list[float] = []
    done = threading.Event()

    def tick() -> bool:
        ticks.append(time.perf_counter())
        if len(ticks) >= 4:
            done.set()
            return False
        return True

    worker.set_ticker(tick, interval=0.05)
    assert done.wait(5)
    time.sleep(0.2)
    assert len(ticks) == 4  # stopped when it returned False
    assert min(b - a for a, b in zip(ticks, ticks[1:], strict=False)) >= 0.04
    worker.close()


def test_a_failing_job_does_not_stop_the_worker():
    worker = TabWorker(ComputeGate())
    ran: list[str] = []
    worker.submit("view", lambda: 1 / 0, compute=False)
    worker.submit("view", lambda: ran.append("next"), compute=False)
    assert worker.idle(5) and ran == ["next"]
    worker.close()


def test_other_tabs_play_at_most_at_normal_speed_while_a_projected_tab_is_open():
    from simulator.dashboard.scheduler import SHARED_PLAY_INTERVAL

    gate = ComputeGate()
    projected, other = TabWorker(gate), TabWorker(gate)
    projected.priority = True
    assert gate.priority_open
    ticks: list[float] = []
    done = threading.Event()

    def tick() -> bool:
        ticks.append(time.perf_counter())
        if len(ticks) >= 3:
            done.set()
            return False
        return True

    other.set_ticker(tick, interval=0.01)  # "Fast"
    assert done.wait(5)
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert min(gaps) >= SHARED_PLAY_INTERVAL * 0.9
    projected.close()
    assert not gate.priority_open
    other.close()
