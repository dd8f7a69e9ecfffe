"""`senim unlock USER` (or `--address ADDR`): lift a sign-in lock before it runs out."""

from __future__ import annotations

import getpass
import ipaddress
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from senim.core import signin


def operator() -> str:
    """Who ran the command, for the audit log."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"command-line:{name}"


class Command(BaseCommand):
    help = (
        "Lift the sign-in lock of an account (and clear its failed-attempt count), or of a client "
        "address with --address; written to the audit log under the operator's name."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="", help="the account to unlock")
        parser.add_argument("--address", default="", help="a client address to unlock")

    def handle(self, *args: Any, **options: Any) -> None:
        username, address = options["username"].strip(), options["address"].strip()
        if not username and not address:
            raise CommandError("name the account to unlock (senim unlock USER) or --address ADDR")
        if address:
            try:
                address = str(ipaddress.ip_address(address))
            except ValueError:
                raise CommandError(f"--address: {address!r} is not an IP address") from None
        lifted = signin.unlock(username=username, address=address, actor=operator())
        what = " and ".join(x for x in (f"account {username!r}" if username else "", address) if x)
        if lifted:
            self.stdout.write(f"unlocked {what}")
        else:
            self.stdout.write(f"{what}: was not locked; failed-attempt counts cleared")
