"""Template helpers for the web layer: Vietnamese number and date formats, widgets with ARIA wiring.

Django's ``vi`` locale sets ``.`` as thousand separator but no grouping, and ``d-m-Y`` dates, so the
formats that officers expect (``1.500.000``, ``27/03/1985``) are produced here explicitly.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.forms import BoundField
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from ansinh.lib.dates import DATETIME_FORMAT, format_date
from ansinh.lib.numbers import format_number
from ansinh.registry import idnumber

register = template.Library()


@register.filter
def vn_number(value: Any, decimals: int = 0) -> str:
    """``ansinh.lib.numbers.format_number`` in the active language: ``1.500.000`` in vi, ``1,500,000`` in en."""
    return format_number(value, decimals, get_language())


@register.filter
def vn_date(value: datetime.date | datetime.datetime | str | None) -> str:
    """``dd/mm/yyyy`` (both languages; officers read Vietnamese documents in that order).

    >>> vn_date(datetime.date(1985, 3, 27))
    '27/03/1985'
    >>> vn_date("2025-07-01")
    '01/07/2025'
    """
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_date(value)


@register.filter
def vn_datetime(value: datetime.datetime | str | None) -> str:
    """``dd/mm/yyyy HH:MM`` in the configured time zone (Asia/Ho_Chi_Minh)."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(DATETIME_FORMAT)


@register.filter
def masked_id(value: str | None) -> str:
    """Hide all but the last three digits of a personal ID number.

    >>> masked_id("079085001234")
    '•••••••••234'
    >>> masked_id("")
    ''
    """
    return idnumber.mask(value)


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    if context.get("pages_query"):  # a search sent with POST: its pages carry only its token
        query = QueryDict(mutable=True)
        query.update(context["pages_query"])
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = str(value)
    return query.urlencode()


@register.simple_tag
def render_widget(field: BoundField) -> SafeString:
    """Render a widget with ``aria-describedby`` pointing at its hint and error, and the error style."""
    attrs: dict[str, str | bool] = {}
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
        existing = str(field.field.widget.attrs.get("class", ""))
        attrs["class"] = (existing + " input--error").strip()
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return format_html("{}", field.as_widget(attrs=attrs))


@register.filter
def yes_no(value: Any) -> str:
    """``Có`` / ``Không`` (translated Yes / No)."""
    return gettext("Yes") if value else gettext("No")


@register.filter
def age_on(member: Any, day: datetime.date) -> int | str:
    try:
        return int(member.age_on(day))
    except (AttributeError, TypeError):
        return ""


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``mapping[key]``, trying the key as an integer too (audit object ids are stored as text)."""
    if not isinstance(mapping, dict):
        return None
    if key in mapping:
        return mapping[key]
    try:
        return mapping.get(int(key))
    except (TypeError, ValueError):
        return None


@register.filter
def pair(first: Any, second: Any) -> tuple[Any, Any]:
    """``(first, second)``, to loop over two objects in a template."""
    return (first, second)


@register.filter
def standard_titles(standard_ids: Any) -> str:
    """Poverty standards by their titles in the active language (``["vn_2022"]`` → "Chuẩn nghèo đa chiều …")."""
    from ansinh.review.explanations import standard_title

    ids = [standard_ids] if isinstance(standard_ids, str) else list(standard_ids or [])
    return "; ".join(standard_title(s, (get_language() or "vi")[:2]) for s in ids)


@register.filter
def source_label(name: str) -> str:
    """A reports' source by its name in words (``dossier`` → "Hồ sơ thủ tục hành chính")."""
    from ansinh.reports.sources import load

    source = load().get(name)
    return str(source.label) if source is not None else name


@register.filter
def category_of(category: str, programme: str) -> str:
    """A programme's category (a campaign's group) by its name in the active language."""
    from ansinh.payments.actions import programme_labels

    return programme_labels(programme, (get_language() or "vi")[:2])[1].get(category, category)
