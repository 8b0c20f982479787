"""A new user's first clicks, as a test: a small demo city built by ``ansinh demo`` itself, then each demo role
follows the links its pages offer, breadth first, one page of each shape (numbers in the path stand for any).

Every linked page must open (a link to a page the role is refused is a broken promise), and its words must be
words: no raw codes, dotted action names, Python values or untranslated English — the same checks as
``tests/review/test_words_not_codes.py``. This is the demo walk the lead made by hand in a browser before
resolving an issue (it found payroll statuses, a payroll line's legal row, a report list's filters, the case read
log's sections and an official layout refused behind its link), kept so that it cannot come back.
"""

from __future__ import annotations

import io
import re
from collections import deque
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from tests.review.test_words_not_codes import english_with_translation, problems, visible_text

__all__ = ["english_with_translation"]  # a fixture, used by name below

ROLES = (
    "demo-officer",
    "demo-chairman",
    "demo-analyst",
    "demo-program",
    "demo-caseworker",
    "demo-supervisor",
    "demo-hospital",
    "demo-admin",
)
# Not pages: downloads, leaving, the language switch, the API's own documentation (crawled by tests/api), and
# Django's admin (the administrators' tool of record, which shows stored values as they are).
SKIP = re.compile(
    r"^/(?:logout|static|media|i18n|api/|admin/)|/(?:pdf|xlsx|csv|file|download|certificate|decision)/?$|format=(?:pdf|xlsx)"
)
PAGES_PER_ROLE = 60


@pytest.fixture
def demo(settings: Any, tmp_path: Any, db: Any) -> None:
    from ansinh.cases.crypto import make_key_file

    settings.DEMO_MODE = True
    settings.DATA_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    settings.CASES_KEY_FILE = make_key_file(tmp_path / "keys" / "cases.key")
    settings.DOSSIER_FILES_DIR = tmp_path / "private"
    call_command("demo", no_serve=True, households=300, wards=3, stdout=io.StringIO())


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def _links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'<a [^>]*href="(/[^"#]*)', html)]


def _crawl(username: str, english: set[str]) -> tuple[set[str], list[str]]:
    from ansinh.accounts.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(User.objects.get(username=username))
    client.cookies["django_language"] = "vi"
    queue: deque[tuple[str, str]] = deque([("/", "the home page")])
    seen: set[str] = set()
    found: list[str] = []
    while queue and len(seen) < PAGES_PER_ROLE:
        url, linked_from = queue.popleft()
        if _shape(url) in seen or SKIP.search(url):
            continue
        seen.add(_shape(url))
        response = client.get(url, follow=True)
        if response.status_code != 200:
            found.append(f"{username}: {url} (linked from {linked_from}): {response.status_code}")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        main = html[html.find("<main") : html.find("</main>")]
        main = re.sub(r"<code>.*?</code>", "", main, flags=re.S)  # a query shown as what made a figure
        found += [f"{username}: {p}" for p in problems(url, visible_text(main), lang="vi", english=english)]
        queue.extend((link, url) for link in _links(html))
    return seen, found


def test_every_link_a_demo_role_is_offered_opens_and_speaks_words(
    demo: None, english_with_translation: set[str]
) -> None:
    found: list[str] = []
    for username in ROLES:  # one demo city for every role: building it is most of the time
        seen, problems_seen = _crawl(username, english_with_translation)
        assert len(seen) >= 5, f"{username} reached only {sorted(seen)}"  # the crawl itself works
        found += problems_seen
    assert found == [], "\n".join(found)
