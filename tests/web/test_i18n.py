from __future__ import annotations

from pathlib import Path

from django.urls import reverse

import ansinh

LOCALE = Path(ansinh.__file__).parent / "locale" / "vi" / "LC_MESSAGES"


def test_it_switches_to_english_and_back(officer_client):
    response = officer_client.post("/i18n/setlang/", {"language": "en", "next": "/households/"})
    assert response.status_code == 302
    html = officer_client.get(reverse("household-search")).content.decode()
    assert '<html lang="en">' in html
    assert "Households" in html and "Search" in html
    officer_client.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    html = officer_client.get(reverse("household-search")).content.decode()
    assert '<html lang="vi">' in html and "Tìm kiếm" in html


def test_it_translates_model_labels_and_choices(officer_client, ward_a, make_household):
    hh = make_household(ward_a)
    html = officer_client.get(reverse("household-edit", args=[hh.pk])).content.decode()
    assert "Nguồn nước uống" in html  # a verbose name
    assert "Nước máy" in html  # a choice from the shared vocabulary


def test_it_ships_a_compiled_catalogue_with_every_message_translated():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert (LOCALE / "django.mo").stat().st_mtime >= 0
    untranslated = []
    blocks = po.split("\n\n")
    for block in blocks[1:]:
        if "#, fuzzy" in block or block.lstrip().startswith("#~"):
            untranslated.append(block)
            continue
        lines = block.strip().splitlines()
        msgstr_at = [i for i, line in enumerate(lines) if line.startswith("msgstr")]
        if not msgstr_at:
            continue
        values = []
        for i in msgstr_at:
            value = lines[i].split(" ", 1)[1]
            j = i + 1
            while j < len(lines) and lines[j].startswith('"'):
                value += lines[j]
                j += 1
            values.append(value.replace('"', ""))
        if not all(values):
            untranslated.append(block)
    assert untranslated == []
