from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """The assertions read the English msgids; the product's default language is Vietnamese."""
    with translation.override("en"):
        yield
