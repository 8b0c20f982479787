"""Named reads of imports: which batches a user sees."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from ansinh.accounts.permissions import can
from ansinh.imports.models import ImportBatch


def batches_for(user: Any) -> QuerySet[ImportBatch]:
    """The batches ``user`` sees: their own, or every user's with ``import.view`` in the permission matrix."""
    qs = ImportBatch.objects.select_related("task")
    return qs if can(user, "import", "view") else qs.filter(created_by_id=user.pk)


def get_batch_for(user: Any, pk: int) -> ImportBatch:
    """One batch the user sees; any other does not exist for them (404)."""
    batch = batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch
