"""The demo's figures: the facts built once, after last year's review was approved in the demo ward
(``review.demo``), so every dashboard has something on a first visit. Idempotent; a few seconds."""

from __future__ import annotations

from ansinh.reports import facts
from ansinh.reports.models import FactBatch


def ensure_demo_facts() -> int:
    """Build the facts once (later, the events keep them fresh); returns the slices built."""
    if FactBatch.objects.exists():
        return 0
    return sum(r.wards for r in facts.rebuild(reason="demo"))
