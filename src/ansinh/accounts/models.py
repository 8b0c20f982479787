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


class ApiToken(models.Model):
    """A token another system calls the API with (``docs/api.md``, ADR 0011): it acts as its ``owner``, but
    only with its ``grants`` (``resource.action`` cells of the matrix the owner's role also holds) and only in
    its area (a province and/or wards, within the owner's), between ``valid_from`` and ``valid_until``, from
    ``allowed_addresses``. The token itself is shown once when made; only its SHA-256 is stored (it is 256
    random bits, so a fast hash is as safe as a slow one), found by its public ``prefix``."""

    owner = models.ForeignKey(User, verbose_name=_("acts as"), on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=150, help_text=_("The system that uses it."))
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    grants = models.JSONField(_("grants"), default=list, help_text=_("resource.action, e.g. household.view"))
    province = models.ForeignKey(
        "geo.Province", verbose_name=_("province scope"), on_delete=models.PROTECT, null=True, blank=True
    )
    wards = models.ManyToManyField("geo.Ward", verbose_name=_("ward scope"), blank=True, related_name="+")
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    allowed_addresses = models.TextField(
        _("allowed addresses"), help_text=_("Addresses or networks, comma-separated (203.0.113.0/24).")
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+", editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    # The system's Ed25519 public key (PEM, or base64 of its 32 bytes): signed DCI envelopes are checked with it.
    signing_key = models.TextField(
        _("signing key"), blank=True, default="", help_text=_("Ed25519 public key (PEM or base64) of the system.")
    )
    signature_required = models.BooleanField(
        _("signature required"), default=False, help_text=_("Refuse a DCI envelope that is not signed with its key.")
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"


class SignedMessage(models.Model):
    """A signed DCI envelope already answered for a token: the same ``message_id`` signed again within its
    signature's lifetime is a replay and is refused. Rows past ``expires_at`` are of no further use (a replay
    then fails on the expired signature) and are deleted as new ones come."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    message_id = models.CharField(max_length=100)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "message_id"], name="signed_message_once")]

    def __str__(self) -> str:
        return f"{self.token_id} {self.message_id}"


class IdempotencyRecord(models.Model):
    """The stored answer to a creation sent with an ``Idempotency-Key``: a replay of the same request gets it
    again, the same key with another request is refused. ``status`` 0: the first request is still running."""

    principal = models.CharField(max_length=64)  # token:<prefix> or user:<pk>
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of method, path and body
    status = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
