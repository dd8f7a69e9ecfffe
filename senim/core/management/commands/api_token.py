"""`senim api_token USER`: issue a new API token (the old one stops working), or revoke it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from senim.core.api_auth import issue_token
from senim.core.audit import acting_as
from senim.core.management.commands.unlock import operator
from senim.core.models import User


class Command(BaseCommand):
    help = (
        "Issue a new API token for USER and print it once; the previous token stops working at "
        "once (rotation). It expires after SENIM_API_TOKEN_DAYS days. --revoke removes the token."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="remove the token, issue none")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user named {options['username']!r}")
        if not user.is_active:
            raise CommandError(f"user {user.username!r} is deactivated: no token issued")
        # Read by the audit signal, so the log says why the user record changed and who did it.
        with acting_as(operator()):
            if options["revoke"]:
                user._audit_reason = "API token revoked"  # type: ignore[attr-defined]
                user.api_token_hash, user.api_token_expires_at = "", None
                user.save(update_fields=["api_token_hash", "api_token_expires_at"])
                self.stdout.write(f"API token of {user.username} revoked")
                return
            user._audit_reason = "API token issued"  # type: ignore[attr-defined]
            token = issue_token(user)
        assert user.api_token_expires_at is not None
        until = timezone.localtime(user.api_token_expires_at).strftime("%Y-%m-%d %H:%M %Z")
        self.stderr.write(
            f"new API token for {user.username}, valid until {until}; the previous one no longer "
            "works. Shown once:"
        )
        self.stdout.write(token)
