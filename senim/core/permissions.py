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
    USERS = "core.users"  # accounts: create, role and scope, deactivate, reset a password
    PREVENTION = "prevention.work"  # the sector's page, preventive register, DV assessments
    SAFEGUARDS = "safeguards.view"
    TRUST = "trust.view"
    OVERSIGHT = "oversight.view"
    OFFICER_COMPLAINTS = "integrity.complaints"  # complaints against officers, with complainants
    DISCIPLINE = "integrity.discipline"  # disciplinary measures and commendations
    STAFF = "integrity.staff"  # officers' files (every view is audit-logged)
    EARLY_WARNING = "integrity.early"  # early intervention: flags, reasons, interventions
    # Psychological support and screening scores: the psychologist's alone, not even a
    # superuser's (seed 004 §7; issue 14: "never shown outside the psychologist role").
    WELFARE = "integrity.welfare"
    SIGN_IN_LOCKS = "core.sign_in_locks"  # see and lift the locks after failed sign-ins
    RESULTS = "results.view"  # national thematic results: seizures, blocked calls, road deaths
    RESULTS_LOAD = "results.load"  # load files of results (the analyst's upload form)


_EVERYONE = {Perm.INDICATORS, Perm.ANALYSIS, Perm.SAFEGUARDS}
PERMISSIONS: dict[str, frozenset[str]] = {
    Role.NATIONAL_ANALYST: frozenset(
        _EVERYONE | {Perm.REGISTER, Perm.QUEUE, Perm.TRUST, Perm.RESULTS, Perm.RESULTS_LOAD}
    ),
    Role.REGIONAL_ANALYST: frozenset(
        _EVERYONE | {Perm.REGISTER, Perm.QUEUE, Perm.TRUST, Perm.RESULTS, Perm.RESULTS_LOAD}
    ),
    Role.DISTRICT_INSPECTOR: frozenset(_EVERYONE | {Perm.REGISTER, Perm.PERSONS, Perm.PREVENTION}),
    Role.DUTY_OFFICER: frozenset(
        _EVERYONE | {Perm.REGISTER, Perm.PERSONS, Perm.QUEUE, Perm.DISPATCH, Perm.INTAKE}
    ),
    Role.PROSECUTOR: frozenset(_EVERYONE | {Perm.REGISTER, Perm.PERSONS}),
    Role.NPM_MONITOR: frozenset(_EVERYONE | {Perm.OVERSIGHT}),
    # Unit commanders are the leadership of their region: they see its results, not load them.
    Role.SUPERVISOR: frozenset(_EVERYONE | {Perm.STAFF, Perm.EARLY_WARNING, Perm.RESULTS}),
    Role.INTERNAL_SECURITY: frozenset(
        _EVERYONE
        | {Perm.REGISTER, Perm.OFFICER_COMPLAINTS, Perm.DISCIPLINE, Perm.STAFF, Perm.EARLY_WARNING}
    ),
    Role.PSYCHOLOGIST: frozenset(_EVERYONE | {Perm.WELFARE}),
    Role.ADMINISTRATOR: frozenset(
        _EVERYONE
        | {
            Perm.REGISTER,
            Perm.PERSONS,
            Perm.QUEUE,
            Perm.DISPATCH,
            Perm.INTAKE,
            Perm.REFERENCE,
            Perm.USERS,
            Perm.PREVENTION,
            Perm.TRUST,
            Perm.OVERSIGHT,
            Perm.OFFICER_COMPLAINTS,
            Perm.DISCIPLINE,
            Perm.STAFF,
            Perm.EARLY_WARNING,
            Perm.SIGN_IN_LOCKS,
            Perm.RESULTS,
            Perm.RESULTS_LOAD,
        }
    ),
}
ALL_PERMS = frozenset().union(*PERMISSIONS.values())
SUPERUSER_PERMS = ALL_PERMS - {Perm.WELFARE}

# Where each role lands after signing in: its daily work (MISSION.md, "Who works in it").
LANDING: dict[str, str] = {
    Role.DUTY_OFFICER: "ops-queue",
    Role.NATIONAL_ANALYST: "indicators",
    Role.REGIONAL_ANALYST: "indicators",
    Role.DISTRICT_INSPECTOR: "prevention-home",
    Role.PROSECUTOR: "safeguards-custody",
    Role.NPM_MONITOR: "npm-home",
    Role.ADMINISTRATOR: "ops-reference",
    Role.SUPERVISOR: "integrity-early",
    Role.INTERNAL_SECURITY: "integrity-complaints",
    Role.PSYCHOLOGIST: "integrity-welfare",
}


def perms_for(user: User) -> frozenset[str]:
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    if user.is_superuser:
        return SUPERUSER_PERMS
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
    MenuItem(Perm.RESULTS, "results-summary", _("Thematic results"), ("results-",)),
    MenuItem(Perm.RESULTS, "prevention-reached", _("Children reached"), ("prevention-reached",)),
    MenuItem(Perm.SAFEGUARDS, "safeguards-custody", _("Safeguards"), ("safeguards-",)),
    MenuItem(Perm.TRUST, "trust-index", _("Public trust"), ("trust-",)),
    MenuItem(Perm.OVERSIGHT, "npm-home", _("NPM oversight"), ("npm-",)),
    MenuItem(Perm.OFFICER_COMPLAINTS, "integrity-complaints", _("Integrity"), ("integrity-",)),
    MenuItem(Perm.EARLY_WARNING, "integrity-early", _("Integrity"), ("integrity-",)),
    MenuItem(Perm.WELFARE, "integrity-welfare", _("Staff welfare"), ("integrity-",)),
    MenuItem(Perm.USERS, "users", _("Users"), ("users",)),
)


def menu(user: User, current: str | None) -> list[dict[str, object]]:
    """The main menu of a user: the items their role may open, the current one marked. Where
    two items lead into the same part (integrity: complaints or early intervention), the first
    the role may open stands for it."""
    allowed = perms_for(user)
    shown: list[dict[str, object]] = []
    seen: set[tuple[str, ...]] = set()
    for item in MENU:
        if item.perm not in allowed or item.prefixes in seen:
            continue
        seen.add(item.prefixes)
        active = bool(current) and current.startswith(item.prefixes)  # type: ignore[union-attr]
        shown.append({"url_name": item.url_name, "label": item.label, "active": active})
    return shown
