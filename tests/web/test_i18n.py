from __future__ import annotations

import ast
import gettext
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


def _entries() -> list[dict[str, object]]:
    """The catalogue's entries: where they come from, msgid, plural msgid and translations (unescaped)."""
    entries = []
    for block in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n")[1:]:
        entry: dict[str, object] = {"where": [], "fuzzy": "#, fuzzy" in block, "msgstr": []}
        key = None
        for line in block.strip().splitlines():
            if line.startswith("#: "):
                entry["where"] += line[3:].split()  # type: ignore[operator]
            elif line.startswith(("msgid ", "msgid_plural ", "msgstr")):
                key, _, value = line.partition(" ")
                text = ast.literal_eval(value)
                if key.startswith("msgstr"):
                    entry["msgstr"].append(text)  # type: ignore[attr-defined]
                else:
                    entry[key] = text
            elif line.startswith('"') and key:
                text = ast.literal_eval(line)
                if key.startswith("msgstr"):
                    entry["msgstr"][-1] += text  # type: ignore[index]
                else:
                    entry[key] += text  # type: ignore[operator]
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _ours(entry: dict[str, object]) -> bool:
    """Strings of the web layer, the models and the vocabulary (what this catalogue must cover)."""
    return any(
        str(w).startswith("web/") or str(w).split(":")[0].endswith("models.py")
        for w in entry["where"]  # type: ignore[attr-defined]
    )


def test_it_translates_every_string_of_the_web_layer_and_the_models():
    ours = [e for e in _entries() if _ours(e)]
    assert len(ours) > 300
    untranslated = [e["msgid"] for e in ours if e["fuzzy"] or not all(e["msgstr"])]  # type: ignore[attr-defined]
    assert untranslated == []


def test_it_ships_the_compiled_catalogue_in_step_with_the_source():
    with (LOCALE / "django.mo").open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    for entry in _entries():
        if _ours(entry) and "msgid_plural" not in entry:
            assert catalogue.gettext(str(entry["msgid"])) == entry["msgstr"][0], entry["msgid"]  # type: ignore[index]


def test_it_stays_vietnamese_when_the_browser_prefers_english(client, db):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html and "Đăng nhập" in html


def test_it_lists_every_vocabulary_label_for_translation():
    from ansinh.web import vocab_messages

    assert vocab_messages.render() == Path(vocab_messages.__file__).read_text(encoding="utf-8")
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    for english, vietnamese in vocab_messages.vocabulary_pairs().items():
        assert f'msgid "{english}"\nmsgstr "{vietnamese}"' in po, english
