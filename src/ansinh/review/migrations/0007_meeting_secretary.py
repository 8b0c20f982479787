"""The meeting's secretary gets its own field.

Until now the meeting page stored the secretary twice as text: as the whole of ``minutes`` and as a
``"Thư ký: <name>"`` line among the participants, and the minutes PDF parsed it back out (``minutes`` when
shorter than 150 characters, the participants without the ``Thư ký:`` lines). This migration moves that
text into ``secretary`` with the same reading, so every existing meeting prints the same minutes:
``minutes`` is emptied when it held only the secretary and the ``Thư ký:`` lines leave the participants.
Undone, the text goes back where it was.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

PREFIX = "Thư ký:"
SHORT = 150  # what the PDF took for a secretary's name rather than written minutes


def split_secretary(minutes: str, participants: list[Any]) -> tuple[str, str, list[Any]]:
    """(secretary, minutes, participants) of a meeting recorded before the field existed.

    >>> split_secretary("Huỳnh Thị Mai", ["Bí thư chi bộ", "Thư ký: Huỳnh Thị Mai"])
    ('Huỳnh Thị Mai', '', ['Bí thư chi bộ'])
    >>> split_secretary("", ["Thư ký: Lê Văn Bình"])
    ('Lê Văn Bình', '', [])
    >>> split_secretary("x" * 200, ["Trưởng khu phố"])[0]
    ''
    """
    kept = [p for p in participants if not str(p).startswith(PREFIX)]
    listed = [str(p)[len(PREFIX) :].strip() for p in participants if str(p).startswith(PREFIX)]
    text = minutes.strip()
    secretary = text if 0 < len(text) < SHORT else (listed[0] if listed else "")
    return secretary, ("" if text == secretary else minutes), kept


def forwards(apps: Any, schema_editor: Any) -> None:
    Meeting = apps.get_model("review", "Meeting")
    changed = []
    for meeting in Meeting.objects.only("pk", "minutes", "participants").iterator(chunk_size=2000):
        secretary, minutes, participants = split_secretary(meeting.minutes, list(meeting.participants or []))
        if (secretary, minutes, participants) != ("", meeting.minutes, list(meeting.participants or [])):
            meeting.secretary, meeting.minutes, meeting.participants = secretary, minutes, participants
            changed.append(meeting)
    Meeting.objects.bulk_update(changed, ["secretary", "minutes", "participants"], batch_size=1000)


def backwards(apps: Any, schema_editor: Any) -> None:
    Meeting = apps.get_model("review", "Meeting")
    changed = []
    for meeting in Meeting.objects.exclude(secretary="").only("pk", "secretary", "minutes", "participants"):
        meeting.minutes = meeting.minutes or meeting.secretary
        meeting.participants = [*(meeting.participants or []), f"{PREFIX} {meeting.secretary}"]
        changed.append(meeting)
    Meeting.objects.bulk_update(changed, ["minutes", "participants"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("review", "0006_bulk_assessment_storage")]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="secretary",
            field=models.CharField(blank=True, default="", max_length=150, verbose_name="secretary"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
