from __future__ import annotations

from ansinh.imports import actions
from ansinh.imports import tasks as import_tasks
from ansinh.imports.models import BatchStatus
from ansinh.registry.models import Household
from ansinh.tasks import actions as tasks
from ansinh.tasks.models import Status, Task


def test_it_cancels_a_running_validation_at_its_next_step(files, ward_a, officer):
    batch = actions.create_batch(actor=officer, files=[(p.name, p) for p in files([], [])])
    task = import_tasks.validate_import.enqueue(batch_id=batch.pk)
    claimed = tasks.claim("w")
    Task.objects.filter(pk=task.pk).update(cancel_requested=True)
    tasks.run(claimed)
    task.refresh_from_db()
    batch.refresh_from_db()
    assert task.status == Status.CANCELLED and batch.status == BatchStatus.CANCELLED


def test_it_rolls_back_a_cancelled_commit_and_keeps_the_batch_committable(files, run_import, ward_a, officer):
    from .conftest import household, member

    batch = run_import(files([household("H1")], [member("H1")]), officer)
    actions.start_commit(batch)
    task = import_tasks.commit_import.enqueue(batch_id=batch.pk, user=officer)
    claimed = tasks.claim("w")
    Task.objects.filter(pk=task.pk).update(cancel_requested=True)
    tasks.run(claimed)
    task.refresh_from_db()
    batch.refresh_from_db()
    assert task.status == Status.CANCELLED
    assert batch.status == BatchStatus.VALIDATED and not Household.objects.exists()
