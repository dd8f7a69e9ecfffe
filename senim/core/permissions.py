"""Who may do what: one map from role to permissions, used by views, the API and the menu.

Templates never test role names; they ask `perms_for(user)` (in the context as `can`) or read
the menu built here. Territory is a separate question (senim.core.scope): a permission says
what kind of work a role does, the scope says where.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from senim.core.models import Role, User


class Perm:
    """Permission names; each is a kind of work, not a page."""

    INDICATORS = "indicators.view"
    ANALYSIS = "analysis.view"
    REGISTER = "register.view"  # find and open appeals and offences
    PERSONS = "register.persons"  # see the parties of a record (each read is audit-logged)
    QUEUE = "ops.queue"  # see an operational centre's live queue and its analytics
    DISPATCH = "ops.dispatch"  # grade, dispatch, transfer and close calls; move units
    INTAKE = "ops.intake"  # send appeals from a channel (102, app, Telegram, SOS, terminals)
    REFERENCE = "ops.reference"  # grades, response targets, answer terms and holidays
    PREVENTION = "prevention.work"  # the sector's page, preventive register, DV assessments
    SAFEGUARDS = "safeguards.view"
    TRUST = "trust.view"
    OVERSIGHT = "oversight.view"


_EVERYONE = {Perm.INDICATORS, Perm.ANALYSIS, Perm.SAFEGUARDS}
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.NATIONAL_ANALYST: frozenset(_EVERYONE | {Perm.REGISTER, Perm.QUEUE, Perm.TRUST}),
    Role.REGIONAL_ANALYST: frozenset(_EVERYONE | {Perm.REGISTER, Perm.QUEUE, Perm.TRUST}),
    Role.DISTRICT_INSPECTOR: frozenset(_EVERYONE | {Perm.REGISTER, Perm.PERSONS, Perm.PREVENTION}),
    Role.DUTY_OFFICER: frozenset(
        _EVERYONE | {Perm.REGISTER, Perm.PERSONS, Perm.QUEUE, Perm.DISPATCH, Perm.INTAKE}
    ),
    Role.PROSECUTOR: frozenset(_EVERYONE | {Perm.REGISTER, Perm.PERSONS}),
    Role.NPM_MONITOR: frozenset(_EVERYONE | {Perm.OVERSIGHT}),
    Role.ADMINISTRATOR: frozenset(
        _EVERYONE
        | {
            Perm.REGISTER,
            Perm.PERSONS,
            Perm.QUEUE,
            Perm.DISPATCH,
            Perm.INTAKE,
            Perm.REFERENCE,
            Perm.PREVENTION,
            Perm.TRUST,
            Perm.OVERSIGHT,
        }
    ),
}
ALL_PERMS = frozenset().union(*PERMISSIONS.values())

# Where each role lands after signing in: its daily work (MISSION.md, "Who works in it").
LANDING: dict[str, str] = {
    Role.DUTY_OFFICER: "ops-queue",
    Role.NATIONAL_ANALYST: "indicators",
    Role.REGIONAL_ANALYST: "indicators",
    Role.DISTRICT_INSPECTOR: "prevention-home",
    Role.PROSECUTOR: "safeguards-custody",
    Role.NPM_MONITOR: "npm-home",
    Role.ADMINISTRATOR: "ops-reference",
}


def perms_for(user: User) -> frozenset[str]:
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    if user.is_superuser:
        return ALL_PERMS
    return PERMISSIONS.get(user.role, frozenset())


def can(user: User, perm: str) -> bool:
    return perm in perms_for(user)


def landing(user: User) -> str:
    """The URL name a signed-in user starts from."""
    return LANDING.get(user.role, "indicators")


@dataclass(frozen=True)
class MenuItem:
    perm: str
    url_name: str
    label: str | Promise
    # The URL names (by prefix) under which this item is the current one.
    prefixes: tuple[str, ...]


MENU = (
    MenuItem(Perm.REGISTER, "register-appeals", _("Register"), ("register-",)),
    MenuItem(Perm.QUEUE, "ops-queue", _("Operational centre"), ("ops-",)),
    MenuItem(Perm.PREVENTION, "prevention-home", _("Prevention"), ("prevention-",)),
    MenuItem(Perm.INDICATORS, "indicators", _("Crime indicators"), ("indicators",)),
    MenuItem(Perm.ANALYSIS, "analysis-hotspots", _("Analytics centre"), ("analysis-",)),
    MenuItem(Perm.SAFEGUARDS, "safeguards-custody", _("Safeguards"), ("safeguards-",)),
    MenuItem(Perm.TRUST, "trust-index", _("Public trust"), ("trust-",)),
    MenuItem(Perm.OVERSIGHT, "npm-home", _("NPM oversight"), ("npm-",)),
)


def menu(user: User, current: str | None) -> list[dict[str, object]]:
    """The main menu of a user: the items their role may open, the current one marked."""
    allowed = perms_for(user)
    return [
        {
            "url_name": item.url_name,
            "label": item.label,
            "active": bool(current) and current.startswith(item.prefixes),  # type: ignore[union-attr]
        }
        for item in MENU
        if item.perm in allowed
    ]
