"""``ansinh api-token``: make, list and revoke the API tokens of other systems (ADR 0011), audited.

    ansinh api-token create --owner cong-dvc --name "Cổng DVC" --grant household.view --grant dossier.view \
        --ward 26734 --days 365 --allow 203.0.113.0/24
    ansinh api-token list
    ansinh api-token revoke PREFIX

The token is printed once, on creation; only its hash is stored. The administrator's admin page does the same.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ansinh.accounts.models import ApiToken, User
from ansinh.accounts.tokens import do_create_token, do_revoke_token
from ansinh.cli.management.commands.superuser import via_command_line
from ansinh.geo.models import Province, Ward
from ansinh.lib.errors import DomainError


class Command(BaseCommand):
    help = "Make, list or revoke API tokens (audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        create = sub.add_parser("create")
        create.add_argument("--owner", required=True, help="the account the token acts as (never a superuser)")
        create.add_argument("--name", required=True, help="the system that uses it")
        create.add_argument("--grant", action="append", default=[], help="resource.action (repeat)")
        create.add_argument("--ward", action="append", default=[], help="a ward code of its area (repeat)")
        create.add_argument("--province", help="a province code: the whole province is its area")
        create.add_argument("--days", type=int, default=365, help="valid this many days from now")
        create.add_argument("--allow", action="append", default=[], help="an address or network (repeat)")
        create.add_argument("--signing-key", help="a file with the system's Ed25519 public key (PEM or base64)")
        create.add_argument("--require-signature", action="store_true", help="refuse unsigned DCI envelopes")
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = None  # the system; the audit note names who ran the command
        if opts["what"] == "list":
            for t in ApiToken.objects.select_related("owner").order_by("created_at"):
                state = "revoked" if t.revoked_at else "valid" if t.valid_until > timezone.now() else "expired"
                self.stdout.write(f"{t.prefix}\t{t.name}\t{t.owner.username}\t{state}\t{t.valid_until:%Y-%m-%d}")
            return
        if opts["what"] == "revoke":
            token = ApiToken.objects.filter(prefix=opts["prefix"]).first()
            if token is None:
                raise CommandError(f"No such token: {opts['prefix']}")
            do_revoke_token(actor=actor, token=token)
            self.stdout.write(f"revoked {token.prefix} ({via_command_line('api-token revoke')})")
            return
        owner = User.objects.filter(username=opts["owner"]).first()
        if owner is None:
            raise CommandError(f"No such user: {opts['owner']}")
        wards = list(Ward.objects.filter(code__in=opts["ward"]))
        if len(wards) != len(set(opts["ward"])):
            raise CommandError("Unknown ward code")
        province = Province.objects.filter(code=opts["province"]).first() if opts["province"] else None
        try:
            token, raw = do_create_token(
                actor=actor,
                owner=owner,
                name=opts["name"],
                grants=opts["grant"],
                wards=wards,
                province=province,
                valid_until=timezone.now() + datetime.timedelta(days=opts["days"]),
                allowed_addresses=",".join(opts["allow"]),
                signing_key=Path(opts["signing_key"]).read_text(encoding="utf-8") if opts["signing_key"] else "",
                signature_required=opts["require_signature"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"{token.prefix}: {raw}")
        self.stderr.write("Copy the token now: it is not shown again.")
