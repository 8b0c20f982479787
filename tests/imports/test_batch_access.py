"""Who sees which import batch, and how a cancel ends: the permission matrix decides (``import.view``), and
the cancel is one action, ``do_cancel_import``."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from ansinh.accounts import permissions
from ansinh.imports import actions, queries
from ansinh.imports.errors import IllegalTransition
from ansinh.imports.models import BatchStatus
from ansinh.tasks import actions as tasks
from ansinh.tasks.models import Status, Task


def _batch(user):
    return actions.create_batch(actor=user, files=[("a.csv", b"x")])


def test_it_shows_a_user_their_own_batches_and_an_administrator_everyones(make_user, ward_a, officer):
    mine = _batch(officer)
    other = make_user("ward_officer", wards=[ward_a])
    admin = make_user("administrator", wards=[ward_a])
    assert list(queries.batches_for(officer)) == [mine]
    assert not queries.batches_for(other).exists()
    assert list(queries.batches_for(admin)) == [mine]
    with pytest.raises(Http404):
        queries.get_batch_for(other, mine.pk)


def test_it_reads_the_right_to_see_every_batch_from_the_permission_matrix(
    client, make_user, ward_a, officer, monkeypatch
):
    batch = _batch(officer)
    supervisor = make_user("ward_officer", wards=[ward_a])
    client.force_login(supervisor)
    assert client.get(reverse("import-detail", args=[batch.pk])).status_code == 404
    granted = {role: dict(grants) for role, grants in permissions.matrix().items()}
    granted["ward_officer"]["import"] = frozenset({"view"})
    monkeypatch.setattr(permissions, "matrix", lambda: granted)
    assert client.get(reverse("import-detail", args=[batch.pk])).status_code == 200


def test_it_cancels_a_batch_that_is_not_running_at_once(officer):
    batch = _batch(officer)
    assert actions.do_cancel_import(actor=officer, batch=batch) is True
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED
    with pytest.raises(IllegalTransition):
        actions.do_cancel_import(actor=officer, batch=batch)


def test_it_asks_a_running_task_to_stop_and_leaves_the_end_to_the_worker(officer):
    batch = _batch(officer)
    task = tasks.enqueue("imports.validate", {"batch_id": batch.pk})
    type(batch).objects.filter(pk=batch.pk).update(task=task, status=BatchStatus.VALIDATING)
    Task.objects.filter(pk=task.pk).update(status=Status.RUNNING)
    batch.refresh_from_db()
    assert actions.do_cancel_import(actor=officer, batch=batch) is False
    task.refresh_from_db()
    batch.refresh_from_db()
    assert task.cancel_requested and batch.status == BatchStatus.VALIDATING
