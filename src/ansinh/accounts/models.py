"""Users, their role and their area scope."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WARD_OFFICER = "ward_officer", _("Ward officer")
    WARD_CHAIRMAN = "ward_chairman", _("Ward chairman")
    CITY_ANALYST = "city_analyst", _("City analyst")
    PROGRAM_OFFICER = "program_officer", _("Program officer")
    CASE_WORKER = "case_worker", _("Case worker")
    CASE_SUPERVISOR = "case_supervisor", _("Case supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    """A person who signs in. What they may do is their role; where, their area scope.

    The scope is either a whole province (``province`` set) or a list of wards (``wards``).
    A user with neither sees nothing.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.WARD_OFFICER)
    province = models.ForeignKey(
        "geo.Province",
        verbose_name=_("province scope"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set to give access to every ward of the province."),
    )
    wards = models.ManyToManyField("geo.Ward", verbose_name=_("ward scope"), blank=True, related_name="+")
    is_demo = models.BooleanField(_("demo account"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


Actor: TypeAlias = "User | AnonymousUser | None"
"""Who performs an action: a user (``request.user``, which Django types as possibly anonymous; the action's
permission check refuses an anonymous one), or ``None`` for the system (the seed, a command, a task queued
by nobody)."""


def acting_user(actor: Actor) -> User | None:
    """The user stored as who did it (``created_by``, ``recorded_by``…): ``None`` for the system."""
    return actor if isinstance(actor, User) and actor.pk else None


class LoginFailure(models.Model):
    """A failed sign-in, kept to throttle and lock out password guessing."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
