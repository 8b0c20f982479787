"""Enqueue, claim, run, report progress and cancel background tasks.

A task is a plain function decorated with :func:`task`, shaped like Django's tasks API (``django.tasks``) so
that moving to it is mechanical::

    @task(kind="imports.validate")
    def validate_import(progress: Progress, *, batch_id: int) -> dict[str, Any]: ...

    validate_import.enqueue(batch_id=batch.pk, idempotency_key=f"import-validate:{batch.pk}", user=request.user)

Its arguments are keyword arguments stored as JSON; its first argument is the :class:`Progress` of the running
task (Django's ``takes_context`` context), used to report progress, to check for cancellation at safe points
and to know the acting user (``progress.user``). ``enqueue`` keeps the idempotency key and the acting user as
keyword-only options. Tasks must be retry-safe: a task whose worker died is queued again (``reap_stale``).
"""

from __future__ import annotations

import contextlib
import datetime
import inspect
import json
import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from ansinh.accounts.models import Actor, User, acting_user
from ansinh.tasks.errors import Cancelled, UnknownTaskKind
from ansinh.tasks.models import FINISHED, LIFECYCLE, Status, Task, stale_after

log = logging.getLogger(__name__)

R = TypeVar("R", bound=dict[str, Any] | None)
OPTIONS = frozenset({"idempotency_key", "user"})  # what enqueue takes for itself, never a task's argument
LEGACY_ARGS = frozenset({"user_id"})  # stored by tasks queued before the acting user was the task's created_by

MAX_ATTEMPTS = 3


class TaskFunction(Generic[R]):
    """A function that runs as a background task (Django's ``django.tasks.Task``): ``enqueue`` queues it,
    the worker runs it with ``call``. Made by :func:`task`."""

    def __init__(self, func: Callable[..., R], kind: str, abandoned: Callable[..., None] | None = None) -> None:
        clash = OPTIONS & set(inspect.signature(func).parameters)
        if clash:
            raise TypeError(f"task {kind}: {', '.join(sorted(clash))} is an option of enqueue, not an argument")
        self.func = func
        self.kind = kind
        self.abandoned = abandoned
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __repr__(self) -> str:
        return f"<task {self.kind}: {self.func.__module__}.{self.name}>"

    def enqueue(self, *, idempotency_key: str | None = None, user: Actor = None, **kwargs: Any) -> Task:
        """Queue the task with these keyword arguments (checked against the function, stored as JSON). With an
        idempotency key, a second call returns the first task instead of a new one."""
        inspect.signature(self.func).bind(None, **kwargs)  # a TypeError now rather than in the worker
        json.dumps(kwargs)  # the arguments are stored as JSON: a TypeError now for anything else
        return enqueue(self.kind, kwargs, idempotency_key=idempotency_key, user=user)

    def call(self, progress: Progress, **kwargs: Any) -> R:
        """Run the function now, in this process."""
        return self.func(progress, **kwargs)


def _arguments(queued: Task) -> dict[str, Any]:
    """The keyword arguments a queued task was given."""
    return {k: v for k, v in queued.args.items() if k not in LEGACY_ARGS}


_HANDLERS: dict[str, TaskFunction[Any]] = {}


def task(*, kind: str, abandoned: Callable[..., None] | None = None) -> Callable[[Callable[..., R]], TaskFunction[R]]:
    """Make a function a background task of this ``kind`` (the name stored with each queued task).

    ``abandoned``: what to do, instead of running the task again, when its worker died while running it
    (``reap_stale``); the task is failed first, then ``abandoned`` is called with the task's keyword arguments.
    """

    def register(func: Callable[..., R]) -> TaskFunction[R]:
        registered = TaskFunction(func, kind, abandoned)
        _HANDLERS[kind] = registered
        return registered

    return register


def _load_handlers() -> None:
    # Tasks live with their domain in `<app>/tasks.py`; importing the module registers them.
    autodiscover_modules("tasks")


def registered_kinds() -> list[str]:
    """The kinds of every task of every app."""
    _load_handlers()
    return sorted(_HANDLERS)


def enqueue(
    kind: str, args: dict[str, Any] | None = None, *, idempotency_key: str | None = None, user: Actor = None
) -> Task:
    """Queue a task of a registered kind (what ``TaskFunction.enqueue`` does once it has checked the
    arguments); with an idempotency key, a second call returns the first task instead of a new one."""
    _load_handlers()
    if kind not in _HANDLERS:
        raise UnknownTaskKind(kind)
    if idempotency_key:
        existing = Task.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return Task.objects.create(
                kind=kind,
                args=args or {},
                idempotency_key=idempotency_key or None,
                created_by=acting_user(user),
            )
    except IntegrityError:  # a concurrent enqueue with the same key won
        return Task.objects.get(idempotency_key=idempotency_key)


def enqueue_on_commit(kind: str, args: dict[str, Any], *, user: Actor = None) -> None:
    """Queue a task of ``kind`` once the current transaction commits (at once outside one), with
    ``requested_at`` (now, ISO) added to its arguments: how a domain action hands the next step to a module it
    does not import (the reports' facts follow a decision without the review knowing the reports)."""
    args = {**args, "requested_at": timezone.now().isoformat()}
    transaction.on_commit(lambda: enqueue(kind, args, user=user))


def request_cancel(task: Task) -> Task:
    """Ask for cancellation: a queued task is cancelled at once, a running one at its next checkpoint."""
    now = timezone.now()
    if Task.objects.filter(pk=task.pk, status=Status.QUEUED).update(
        status=Status.CANCELLED, cancel_requested=True, finished_at=now
    ):
        LIFECYCLE.move(task, Status.QUEUED, Status.CANCELLED)
    Task.objects.filter(pk=task.pk, status=Status.RUNNING).update(cancel_requested=True)
    task.refresh_from_db()
    return task


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(worker: str | None = None) -> Task | None:
    """Take the oldest queued task, so that no two workers run the same one.

    PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED``. SQLite: the transaction starts IMMEDIATE (settings),
    which takes the write lock, and the conditional update below guards any other backend.
    """
    with transaction.atomic():
        qs = Task.objects.filter(status=Status.QUEUED).order_by("created_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        task = qs.first()
        if task is None:
            return None
        now = timezone.now()
        taken = Task.objects.filter(pk=task.pk, status=Status.QUEUED).update(
            status=Status.RUNNING,
            worker=worker or worker_name(),
            started_at=now,
            heartbeat_at=now,
            attempts=task.attempts + 1,
        )
        if taken != 1:
            return None
        LIFECYCLE.move(task, Status.QUEUED, Status.RUNNING)
    task.refresh_from_db()
    return task


def reap_stale(now: datetime.datetime | None = None, *, worker: str | None = None) -> int:
    """Queue again (or fail, after ``MAX_ATTEMPTS``) running tasks whose worker stopped heartbeating, or, with
    ``worker``, those of that worker (its supervisor saw it die). A task whose kind says what to do when it is
    abandoned is failed instead and handed to that function."""
    _load_handlers()
    now = now or timezone.now()
    LIFECYCLE.check(Status.RUNNING, Status.FAILED)
    LIFECYCLE.check(Status.RUNNING, Status.QUEUED)
    stale = Task.objects.filter(status=Status.RUNNING)
    stale = stale.filter(worker=worker) if worker else stale.filter(heartbeat_at__lt=now - stale_after())
    handed_over = [kind for kind, fn in _HANDLERS.items() if fn.abandoned is not None]
    abandoned = list(stale.filter(kind__in=handed_over).order_by("pk"))
    for dead in abandoned:  # a handful at most: the tasks of dead workers
        died = Task.objects.filter(pk=dead.pk, status=Status.RUNNING).update(
            status=Status.FAILED, error="The worker stopped responding while running this task.", finished_at=now
        )
        if died:
            LIFECYCLE.move(dead, Status.RUNNING, Status.FAILED)
            dead.refresh_from_db()
            hand_over = _HANDLERS[dead.kind].abandoned
            if hand_over is not None:
                hand_over(**_arguments(dead))
    stale = stale.exclude(kind__in=handed_over)
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, error="The worker stopped responding too many times.", finished_at=now
    )
    requeued = stale.filter(attempts__lt=MAX_ATTEMPTS).update(status=Status.QUEUED, worker="")
    return len(abandoned) + failed + requeued


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def reap_dead_here(now: datetime.datetime | None = None) -> int:
    """Reap, without waiting for ``TASK_STALE_SECONDS``, the running tasks of workers of this host whose
    process is gone (a worker that crashed and was restarted). Called by an idle worker: a running task named
    after its own process id is a predecessor's."""
    host = socket.gethostname()
    me = worker_name()
    dead = set()
    for name in Task.objects.filter(status=Status.RUNNING, worker__startswith=f"{host}:").values_list(
        "worker", flat=True
    ):
        pid = name.rpartition(":")[2]
        if name == me or (pid.isdigit() and not _alive(int(pid))):
            dead.add(name)
    return sum(reap_stale(now, worker=name) for name in sorted(dead))


class Progress:
    """What a running task uses to report progress, to honour cancellation and to know who asked for it."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.in_transaction = False

    @property
    def user(self) -> User | None:
        """The user who queued the task (``enqueue(user=…)``), or ``None`` for the system."""
        return self.task.created_by

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Mark the handler's long transaction: progress then goes through a second connection (PostgreSQL)
        so that the web process sees it before the commit."""
        self.in_transaction = True
        try:
            yield
        finally:
            self.in_transaction = False

    def _write(self, **fields: Any) -> None:
        fields["heartbeat_at"] = timezone.now()
        if not self.in_transaction or connection.vendor != "postgresql":
            # SQLite has one writer: inside the transaction the row is written with it, seen at commit.
            Task.objects.filter(pk=self.task.pk).update(**fields)
            return
        side = connections.create_connection("default")
        try:
            with side.cursor() as cur:
                sets = ", ".join(f"{k} = %s" for k in fields)
                cur.execute(
                    f"UPDATE {Task._meta.db_table} SET {sets} WHERE id = %s",  # noqa: S608
                    [*fields.values(), self.task.pk],
                )
            side.commit()
        finally:
            side.close()

    def __call__(self, done: int, total: int | None = None, note: str | None = None) -> None:
        fields: dict[str, Any] = {"progress_done": done}
        if total is not None:
            fields["progress_total"] = total
        if note is not None:
            fields["progress_note"] = note[:200]
        self._write(**fields)
        self.check_cancel()

    def check_cancel(self) -> None:
        if Task.objects.filter(pk=self.task.pk, cancel_requested=True).exists():
            raise Cancelled


def _finish(task: Task, status: str, **fields: Any) -> None:
    LIFECYCLE.check(Status.RUNNING, status)
    if Task.objects.filter(pk=task.pk, status=Status.RUNNING).update(
        status=status, finished_at=timezone.now(), heartbeat_at=timezone.now(), **fields
    ):
        LIFECYCLE.move(task, Status.RUNNING, status)
    task.refresh_from_db()


def run(task: Task) -> Task:
    """Run a claimed task to its end; a handler's exception fails the task, ``Cancelled`` cancels it."""
    _load_handlers()
    fn = _HANDLERS.get(task.kind)
    if fn is None:
        _finish(task, Status.FAILED, error=f"unknown task kind {task.kind}")
        return task
    try:
        result = fn.call(Progress(task), **_arguments(task)) or {}
    except Cancelled:
        _finish(task, Status.CANCELLED)
    except Exception as exc:  # a task failure must not kill the worker
        log.exception("task %s failed", task.pk)
        _finish(
            task,
            Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            result={"traceback": traceback.format_exc()[-4000:]},
        )
    else:
        _finish(task, Status.DONE, result=result)
    return task


def run_pending(limit: int | None = None) -> int:
    """Run queued tasks in this process until none is left (tests, the CLI, a one-shot worker)."""
    count = 0
    while limit is None or count < limit:
        task = claim()
        if task is None:
            break
        run(task)
        count += 1
    return count


class Heartbeat(threading.Thread):
    """Marks the worker's running task alive every few seconds from its own thread (and connection)."""

    def __init__(self, worker: str, every: float = 10.0) -> None:
        super().__init__(daemon=True)
        self.worker = worker
        self.every = every
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.every):
            try:
                Task.objects.filter(worker=self.worker, status=Status.RUNNING).update(heartbeat_at=timezone.now())
            except Exception:  # noqa: S112 - SQLite is locked while a commit runs; try again later
                continue
        connections.close_all()


def is_finished(task: Task) -> bool:
    return task.status in FINISHED
