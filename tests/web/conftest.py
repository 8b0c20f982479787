"""Fixtures for the web tests: signed-in clients of several roles over the shared province and wards."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _web_settings(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.LANGUAGE_CODE = "vi"
    # WhiteNoise warns (an error under pytest) when STATIC_ROOT does not exist yet; tests serve via finders.
    settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static"))


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(officer: Any) -> Client:
    return signed_in(officer)


@pytest.fixture
def analyst_client(analyst: Any) -> Client:
    return signed_in(analyst)


@pytest.fixture
def admin_user(make_user: Any, province: Any) -> Any:
    user = make_user("administrator", province=province, username="admin-1")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def admin_client(admin_user: Any) -> Client:
    return signed_in(admin_user)


class PageParser(HTMLParser):
    """Collects what the tests look at: elements with their attributes, script bodies, inline handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.inline_scripts: list[str] = []
        self.style_blocks = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if tag == "style":
            self.style_blocks += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)

    def selected(self, value: str) -> bool:
        """Whether an ``<option value=...>`` is selected."""
        return any(t == "option" and a.get("value") == value and "selected" in a for t, a in self.elements)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def parse(response: Any) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def post_forms_without_their_address(client: Any, pages: list[tuple[str, list[Any]]]) -> dict[str, list[str]]:
    """For each page (URL name, args), rendered by ``client``: what is wrong with its POST forms' ``action``.

    Every POST form must name its address without a fragment, and one of them must post to the page itself.
    A form without ``action`` posts to the browser's current address, fragment included (an error-summary
    link leaves one such as ``#id_full_name``), and the browser keeps that fragment over the redirect that
    follows a successful post, so the officer lands on e.g. ``/households/12/#id_full_name``.
    """
    from django.urls import reverse

    found: dict[str, list[str]] = {}
    for name, args in pages:
        url = reverse(name, args=args)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        actions = [form.get("action") for form in parse(response).find("form", method="post")]
        problems = [f"a form posts to {action!r}" for action in actions if not action or "#" in action]
        if url not in actions:
            problems.append(f"no form posts to {url} (the forms post to {actions})")
        if problems:
            found[f"{name} {url}"] = problems
    return found
