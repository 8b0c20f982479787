"""Fixtures of the API tests: tokens for two wards and two roles, and a client that sends them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

ANY = "0.0.0.0/0, ::/0"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_token(db: Any) -> Callable[..., tuple[Any, str]]:
    from ansinh.accounts.tokens import do_create_token

    def make(
        owner: Any,
        grants: list[str],
        *,
        wards: list[Any] = (),
        province: Any = None,
        addresses: str = ANY,
        valid_from: datetime.datetime | None = None,
        valid_until: datetime.datetime | None = None,
    ) -> tuple[Any, str]:
        return do_create_token(
            actor=None,
            owner=owner,
            name="test system",
            grants=grants,
            wards=wards,
            province=province,
            valid_from=valid_from or timezone.now() - datetime.timedelta(minutes=1),
            valid_until=valid_until or timezone.now() + datetime.timedelta(days=1),
            allowed_addresses=addresses,
        )

    return make


class ApiClient(Client):
    """A test client that sends a token with every request (JSON bodies by default)."""

    def __init__(self, raw: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.raw = raw

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        if self.raw:
            out.setdefault("Authorization", f"Bearer {self.raw}")
        return out

    def get(self, path: str, data: Any = None, headers: dict[str, str] | None = None, **kw: Any) -> Any:  # type: ignore[override]
        return super().get(path, data, headers=self._headers(headers), **kw)

    def post(self, path: str, data: Any = None, headers: dict[str, str] | None = None, **kw: Any) -> Any:  # type: ignore[override]
        return super().post(path, data, content_type="application/json", headers=self._headers(headers), **kw)

    def patch(self, path: str, data: Any = None, headers: dict[str, str] | None = None, **kw: Any) -> Any:  # type: ignore[override]
        return super().patch(path, data, content_type="application/json", headers=self._headers(headers), **kw)


@pytest.fixture
def api_client() -> Callable[[str | None], ApiClient]:
    return lambda raw=None: ApiClient(raw)


OFFICER_GRANTS = [
    "household.view",
    "household.create",
    "household.change",
    "household.export",
    "member.view",
    "member.create",
    "member.change",
    "review.view",
    "enrolment.view",
    "dossier.view",
    "dossier.process",
]


@pytest.fixture
def officer_b(make_user: Any, ward_b: Any) -> Any:
    return make_user("ward_officer", wards=[ward_b])


@pytest.fixture
def token_a(make_token: Any, officer: Any, ward_a: Any) -> str:
    return make_token(officer, OFFICER_GRANTS, wards=[ward_a])[1]


@pytest.fixture
def token_b(make_token: Any, officer_b: Any, ward_b: Any) -> str:
    return make_token(officer_b, OFFICER_GRANTS, wards=[ward_b])[1]
