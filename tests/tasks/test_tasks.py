from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from ansinh.tasks import actions
from ansinh.tasks.errors import UnknownTaskKind
from ansinh.tasks.models import Status, Task

seen: list[Any] = []


@actions.task(kind="test.echo")
def echo(progress: actions.Progress, *, say: str | None = None) -> dict[str, Any]:
    progress(1, 2, "half")
    seen.append({"say": say, "user": progress.user})
    progress(2, 2)
    return {"echo": say}


@actions.task(kind="test.boom")
def boom(progress: actions.Progress) -> None:
    raise ValueError("no luck")


@actions.task(kind="test.cancel_me")
def cancel_me(progress: actions.Progress) -> None:
    Task.objects.filter(pk=progress.task.pk).update(cancel_requested=True)  # as the web process would
    progress(1, 10)
    raise AssertionError("not reached: the checkpoint raises Cancelled")


def test_it_runs_a_queued_task_and_keeps_its_result_and_progress(db):
    task = echo.enqueue(say="xin chào")
    assert task.status == Status.QUEUED
    assert actions.run_pending() == 1
    task.refresh_from_db()
    assert task.status == Status.DONE and task.result == {"echo": "xin chào"}
    assert (task.progress_done, task.progress_total, task.percent) == (2, 2, 100)
    assert task.attempts == 1 and task.finished_at is not None


def test_it_returns_the_same_task_for_the_same_idempotency_key(db):
    a = echo.enqueue(say="1", idempotency_key="k-1")
    b = echo.enqueue(say="2", idempotency_key="k-1")
    assert a.pk == b.pk and Task.objects.count() == 1


def test_it_refuses_an_unknown_kind(db):
    with pytest.raises(UnknownTaskKind):
        actions.enqueue("test.nothing")


def test_it_records_a_failure_without_stopping_the_worker(db):
    boom.enqueue()
    echo.enqueue(say="after")
    assert actions.run_pending() == 2
    failed = Task.objects.get(kind="test.boom")
    assert failed.status == Status.FAILED and "no luck" in failed.error
    assert Task.objects.get(kind="test.echo").status == Status.DONE


def test_it_cancels_a_queued_task_at_once_and_a_running_one_at_its_checkpoint(db):
    queued = actions.request_cancel(echo.enqueue())
    assert queued.status == Status.CANCELLED
    assert actions.run_pending() == 0
    running = cancel_me.enqueue()
    actions.run_pending()
    running.refresh_from_db()
    assert running.status == Status.CANCELLED


def test_it_claims_each_task_once(db):
    echo.enqueue()
    first = actions.claim("w1")
    assert first is not None and first.status == Status.RUNNING and first.worker == "w1"
    assert actions.claim("w2") is None


def test_it_requeues_a_task_whose_worker_stopped_heartbeating_and_fails_it_after_three_tries(db):
    task = echo.enqueue()
    for attempt in range(1, actions.MAX_ATTEMPTS + 1):
        claimed = actions.claim("dead")
        assert claimed is not None and claimed.attempts == attempt
        Task.objects.filter(pk=task.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))
        assert actions.reap_stale() == 1
    task.refresh_from_db()
    assert task.status == Status.FAILED


def test_it_leaves_a_live_task_alone(db):
    echo.enqueue()
    actions.claim("alive")
    assert actions.reap_stale() == 0


def test_an_idle_worker_reaps_at_once_the_task_of_a_dead_worker_of_its_host(db):
    import socket
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    task = echo.enqueue()
    actions.claim(f"{socket.gethostname()}:{dead.pid}")
    echo.enqueue()
    actions.claim(f"{socket.gethostname()}:1")  # alive (init): left alone
    assert actions.reap_dead_here() == 1
    task.refresh_from_db()
    assert task.status == Status.QUEUED


def test_the_demo_supervisor_starts_a_worker_again_when_it_dies():
    import sys
    import time

    from ansinh.tasks.embedded import Supervisor

    supervisor = Supervisor([sys.executable, "-c", "raise SystemExit(3)"])
    supervisor.start()
    deadline = time.monotonic() + 30
    while supervisor.restarts < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    supervisor.stop()
    supervisor.join(timeout=10)
    assert supervisor.restarts >= 2 and not supervisor.is_alive()


def test_it_passes_the_keyword_arguments_and_the_acting_user_to_the_function(officer):
    seen.clear()
    task = echo.enqueue(say="chào", user=officer)
    assert task.kind == "test.echo" and task.args == {"say": "chào"} and task.created_by == officer
    actions.run_pending()
    assert seen == [{"say": "chào", "user": officer}]


def test_it_refuses_at_enqueue_arguments_the_function_does_not_take_or_json_cannot_store(db):
    with pytest.raises(TypeError):
        echo.enqueue(shout="chào")
    with pytest.raises(TypeError):
        echo.enqueue(say=datetime.date(2026, 1, 1))
    assert not Task.objects.exists()


def test_it_refuses_a_task_argument_named_like_an_option_of_enqueue():
    with pytest.raises(TypeError, match="user"):

        @actions.task(kind="test.clash")
        def clash(progress: actions.Progress, *, user: int) -> None: ...


def test_it_runs_a_task_queued_with_the_acting_user_among_its_arguments(officer):
    seen.clear()
    Task.objects.create(kind="test.echo", args={"say": "cũ", "user_id": officer.pk}, created_by=officer)
    actions.run_pending()
    assert Task.objects.get().status == Status.DONE and seen == [{"say": "cũ", "user": officer}]


def test_it_runs_the_function_in_this_process_with_call(db):
    task = echo.enqueue(say="ngay")
    assert echo.call(actions.Progress(task), say="ngay") == {"echo": "ngay"}
