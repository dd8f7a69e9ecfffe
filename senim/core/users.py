"""Accounts for the administrator: create, change role and scope, deactivate, reset a password.

Keyword-only use cases, one transaction each, every change written to the audit log with who,
what and the old and new values — never a password, only how it was set. A refusal names the
field at fault (senim.core.errors) and nothing is stored.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import District, Officer, Region, Role, Sector, User
from senim.core.permissions import Perm, can
from senim.core.scope import scope_level, scoped, validate_scope

MODEL = "core.User"
# No look-alike characters (0/O, 1/l/I): the password is read off the screen and typed once.
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

Problems = list[tuple[str, str]]
# C0 and C1 control characters, as senim.core.text refuses them in free text.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class UserInput:
    """A role and a scope as the form gives them: codes, a sector by its number in the district."""

    role: str
    region: str = ""  # ISO code
    district: str = ""  # district code
    sector: str = ""  # the sector's number within the district
    officer: str = ""  # badge number
    email: str = ""


def _controls(text: str) -> bool:
    return bool(CONTROL.search(text))


def _require(actor: User) -> None:
    if not can(actor, Perm.USERS):
        raise Forbidden("", _("Only administrators manage users."))


def manageable(*, actor: User) -> QuerySet[User]:
    """The accounts an administrator may see and change: those of their territory."""
    _require(actor)
    qs = User.objects.select_related("region", "district", "sector", "officer")
    if scope_level(actor) == "national":
        return qs
    return scoped(actor, qs)


def search(
    *, actor: User, q: str = "", role: str = "", region: str = "", active: str = ""
) -> QuerySet[User]:
    qs = manageable(actor=actor)
    term = "".join(c for c in q if ord(c) >= 32 and ord(c) != 127).strip()[:100]
    if term:
        qs = qs.filter(
            Q(username__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(officer__badge_number__iexact=term)
        )
    if role in Role.values:
        qs = qs.filter(role=role)
    if region:
        qs = qs.filter(region__iso=region)
    if active in {"1", "0"}:
        qs = qs.filter(is_active=active == "1")
    return qs.order_by("username")


def _scope(data: UserInput, *, account: User | None) -> tuple[dict[str, Any], Problems]:
    """Role, region, district, sector and officer from the input, with every problem found."""
    problems: Problems = []
    for name in ("region", "district", "sector", "officer", "email"):
        if _controls(getattr(data, name)):
            problems.append((name, _("contains a control character")))
    if problems:  # not even looked up: PostgreSQL refuses a NUL in a query
        return {}, problems
    found: dict[str, Any] = {"role": data.role, "email": data.email.strip()}
    if data.role not in Role.values:
        problems.append(("role", _("Choose a role from the list.")))
    region = district = sector = officer = None
    if data.region:
        region = Region.objects.filter(iso=data.region).first()
        if region is None:
            problems.append(("region", _("Unknown region.")))
    if data.district:
        district = District.objects.select_related("region").filter(code=data.district).first()
        if district is None:
            problems.append(("district", _("Unknown district.")))
        elif region is not None and district.region_id != region.pk:
            problems.append(("district", _("The district is not in the chosen region.")))
    if data.sector.strip():
        number = data.sector.strip()
        if district is None:
            problems.append(("sector", _("Choose the district the sector belongs to.")))
        elif not number.isdigit() or len(number) > 5:
            problems.append(("sector", _("Give the sector's number.")))
        else:
            sector = Sector.objects.filter(district=district, number=int(number)).first()
            if sector is None:
                problems.append(("sector", _("The district has no sector with this number.")))
    if data.officer.strip():
        officer = Officer.objects.filter(badge_number=data.officer.strip()).first()
        if officer is None:
            problems.append(("officer", _("No officer with this badge number.")))
        else:
            holder = User.objects.filter(officer=officer)
            if account is not None:
                holder = holder.exclude(pk=account.pk)
            if holder.exists():
                problems.append(("officer", _("This officer is linked to another account.")))
    if email := found["email"]:
        try:
            from django.core.validators import validate_email

            validate_email(email)
        except ValidationError:
            problems.append(("email", _("Enter a valid e-mail address.")))
    # The wider levels follow from the narrower, as User.save derives them.
    if sector is not None:
        district = sector.district
    if district is not None:
        region = district.region
    found |= {"region": region, "district": district, "sector": sector, "officer": officer}
    return found, problems


def _check_rules(actor: User, user: User, problems: Problems) -> None:
    """The role's scope rules (senim.core.scope) and the administrator's own territory."""
    if not any(f in {"role", "sector", "region", "district"} for f, _m in problems):
        try:
            validate_scope(user)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                problems.extend((name, str(m)) for m in messages)
    if scope_level(actor) != "national" and not problems:
        level = scope_level(actor)
        inside = user.region_id is not None and user.region_id == actor.region_id
        if level in {"district", "sector"}:
            inside = inside and user.district_id == actor.district_id
        if not inside:
            problems.append(("region", _("The account's scope must lie in your territory.")))
    if problems:
        raise Invalid(*problems[0], more=problems[1:])


def _codes(user: User) -> dict[str, Any]:
    """The account's role and scope for the audit log (codes, not names; no personal data)."""
    return {
        "role": user.role,
        "region": user.region.iso if user.region_id else None,  # type: ignore[union-attr]
        "district": user.district.code if user.district_id else None,  # type: ignore[union-attr]
        "sector": user.sector.code if user.sector_id else None,  # type: ignore[union-attr]
        "officer": user.officer.badge_number if user.officer_id else None,  # type: ignore[union-attr]
    }


def one_time_password() -> str:
    """A random password of 14 letters and digits in groups, to be shown once."""
    chars = "".join(secrets.choice(ALPHABET) for _i in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def _password(user: User, password: str) -> Problems:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [("password", str(m)) for m in error.messages]
    return []


def create(*, actor: User, username: str, data: UserInput, password: str = "") -> tuple[User, str]:
    """A new active account; (user, the one-time password) — "" when the administrator set it."""
    _require(actor)
    username = username.strip()
    found, problems = _scope(data, account=None)
    if _controls(username):
        raise Invalid("username", _("contains a control character"), more=problems)
    if not username:
        problems.insert(0, ("username", _("This field is required.")))
    elif len(username) > 150:
        problems.insert(0, ("username", _("At most 150 characters.")))
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            problems.insert(
                0, ("username", _("Letters, digits and @ . + - _ only, without spaces."))
            )
        if User.objects.filter(username__iexact=username).exists():
            problems.insert(0, ("username", _("This username is taken.")))
    user = User(username=username, **found)
    generated = "" if password else one_time_password()
    if password:
        problems += _password(user, password)
    _check_rules(actor, user, problems)
    user.set_password(password or generated)
    try:
        with transaction.atomic():
            user.save()
            audit.record(
                action="user_create",
                model=MODEL,
                object_pk=user.pk,
                actor=actor.get_username(),
                details={
                    "username": user.username,
                    **_codes(user),
                    "password": "set by the administrator" if password else "one-time",
                },
            )
    except IntegrityError:
        raise Invalid("username", _("This username is taken.")) from None
    return user, generated


def _account(actor: User, pk: int) -> User:
    user = manageable(actor=actor).filter(pk=pk).first()
    if user is None:
        raise NotFound("", _("No such account in your territory."))
    if user.is_superuser and not actor.is_superuser:
        raise Forbidden("", _("Only a superuser changes a superuser's account."))
    return user


def change(*, actor: User, pk: int, data: UserInput) -> User:
    """A new role, scope, linked officer or e-mail; the old and new values go to the audit log."""
    _require(actor)
    with transaction.atomic():
        user = _account(actor, pk)
        before = _codes(user) | {"email": user.email}
        found, problems = _scope(data, account=user)
        if problems and not found:
            raise Invalid(*problems[0], more=problems[1:])
        if user.pk == actor.pk and found["role"] != user.role:
            problems.append(("role", _("You cannot change the role of your own account.")))
        for name, value in found.items():
            setattr(user, name, value)
        _check_rules(actor, user, problems)
        after = _codes(user) | {"email": user.email}
        changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if not changed:
            return user
        user.save()
        audit.record(
            action="user_change",
            model=MODEL,
            object_pk=user.pk,
            actor=actor.get_username(),
            details={"username": user.username, "changed": changed},
        )
    return user


def set_active(*, actor: User, pk: int, active: bool) -> User:
    """Deactivate (cannot sign in, its sessions and API token stop working) or reactivate."""
    _require(actor)
    with transaction.atomic():
        user = _account(actor, pk)
        if user.pk == actor.pk and not active:
            raise Invalid("", _("You cannot deactivate your own account."))
        if user.is_active == active:
            return user
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            action="reactivate" if active else "deactivate",
            model=MODEL,
            object_pk=user.pk,
            actor=actor.get_username(),
            details={"username": user.username},
        )
    return user


def reset_password(*, actor: User, pk: int, password: str = "") -> str:
    """A new password: the one given (it must pass the validators) or a one-time random one,
    returned to be shown once. Only the fact is logged."""
    _require(actor)
    with transaction.atomic():
        user = _account(actor, pk)
        if password:
            problems = _password(user, password)
            if problems:
                raise Invalid(*problems[0], more=problems[1:])
        generated = "" if password else one_time_password()
        user.set_password(password or generated)
        user.save(update_fields=["password"])
        audit.record(
            action="password_reset",
            model=MODEL,
            object_pk=user.pk,
            actor=actor.get_username(),
            details={
                "username": user.username,
                "password": "set by the administrator" if password else "one-time",
            },
        )
    return generated
