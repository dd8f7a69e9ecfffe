"""Recording what became of a case or a search: the one writer behind the form, API and ingest.

Each function checks everything before it writes and writes in one transaction, so a refused
input names its field and changes nothing. Dates are calendar days in Almaty time; a step's
date may not precede the offence's registration nor the case's previous step, nor lie in the
future. Amounts are tenge as Decimal (never float: sums of billions must add up to the tiyn).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import District, Unit, User
from senim.core.scope import scope_level, scoped
from senim.register.ingest.schema import ALMATY
from senim.register.models import (
    CASE_STEP_TRANSITIONS,
    Appeal,
    AppealCategory,
    CaseStep,
    Damage,
    Offence,
    OffenceKind,
    PersonSearch,
    Repayment,
    SearchKind,
    StepKind,
)
from senim.register.services import can_write

CRIMINAL_KINDS = (OffenceKind.CRIME.value, OffenceKind.MISDEMEANOUR.value)
MAX_AMOUNT = Decimal("99999999999999.99")  # the column's 16 digits, 2 after the point


def local_day(value: dt.datetime) -> dt.date:
    return value.astimezone(ALMATY).date()


def today() -> dt.date:
    return local_day(timezone.now())


# --- parsing (shared by the form, the API and the file loader) ----------------------------------


def parse_day(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return local_day(value if value.tzinfo else value.replace(tzinfo=ALMATY))
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        raise Invalid(field, _("is required"))
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise Invalid(
            field, _("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": text[:40]}
        ) from None


def parse_amount(value: Any, field: str, *, positive: bool = False) -> Decimal:
    text = str(value if value is not None else "").strip().replace(" ", "").replace(",", ".")
    if not text:
        raise Invalid(field, _("is required"))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise Invalid(
            field, _("'%(value)s' is not an amount in tenge") % {"value": text[:40]}
        ) from None
    if not amount.is_finite():
        raise Invalid(field, _("'%(value)s' is not an amount in tenge") % {"value": text[:40]})
    if amount < 0:
        raise Invalid(field, _("may not be negative"))
    if positive and amount == 0:
        raise Invalid(field, _("must be more than zero"))
    if amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise Invalid(field, _("must have at most 14 digits before the point and 2 after it"))
    return amount


def not_future(day: dt.date, field: str) -> None:
    if day > today():
        raise Invalid(field, _("%(day)s is in the future") % {"day": day.isoformat()})


def _not_before_registration(day: dt.date, offence: Offence, field: str) -> None:
    registered = local_day(offence.registered_at)
    if day < registered:
        raise Invalid(
            field,
            _("%(day)s is before the offence was registered (%(registered)s)")
            % {"day": day.isoformat(), "registered": registered.isoformat()},
        )


def _writable_offence(user: User, pk: int, *, lock: bool = True) -> Offence:
    if not can_write(user):
        raise Forbidden("", _("Your role does not record case outcomes."))
    qs = Offence.objects.select_for_update() if lock else Offence.objects.all()
    offence = scoped(user, qs).filter(pk=pk).first()
    if offence is None:
        raise NotFound("offence", _("No such offence in your territory."))
    return offence


# --- case steps ------------------------------------------------------------------------------


def case_state(offence: Offence) -> tuple[str, dt.date | None]:
    """The case's current state and the date of its last step ("registered", None before any)."""
    last = offence.steps.order_by("-on", "-id").first()
    if last is None:
        return "registered", None
    return last.step, last.on


def _by_whom(
    user: User | None, offence: Offence, *, unit: str | int | None, district: str | int | None
) -> tuple[Unit | None, District | None]:
    found_unit = found_district = None
    if unit not in (None, ""):
        key = str(unit).strip()
        found_unit = Unit.objects.filter(pk=int(key)).first() if key.isdigit() else None
        if found_unit is None:
            raise Invalid("unit", _("no unit '%(code)s'") % {"code": key[:40]})
        if found_unit.region_id not in (None, offence.region_id):
            raise Invalid("unit", _("the unit is not in the offence's region"))
    if district not in (None, ""):
        key = str(district).strip()
        qs = (
            District.objects.filter(code=key)
            if not key.isdigit()
            else District.objects.filter(pk=key)
        )
        found_district = qs.first()
        if found_district is None:
            raise Invalid("district", _("no district '%(code)s'") % {"code": key[:40]})
        if found_district.region_id != offence.region_id:
            raise Invalid("district", _("the district is not in the offence's region"))
        if (
            user is not None
            and scope_level(user) in {"district", "sector"}
            and found_district.pk != user.district_id
        ):
            raise Invalid("district", _("the district is outside your territory"))
    if found_unit is not None and found_district is None:
        found_district = found_unit.district
    return found_unit, found_district


def check_step(offence: Offence, *, step: str, on: dt.date, has_solver: bool) -> None:
    """Every rule a step must meet against the case as it stands; Invalid names the field."""
    if offence.kind not in CRIMINAL_KINDS:
        raise Invalid("offence", _("an administrative offence has no criminal case steps"))
    if step not in StepKind.values:
        raise Invalid(
            "step",
            _("'%(value)s' is not one of: %(allowed)s")
            % {"value": str(step)[:40], "allowed": ", ".join(StepKind.values)},
        )
    not_future(on, "on")
    _not_before_registration(on, offence, "on")
    state, last_on = case_state(offence)
    allowed = CASE_STEP_TRANSITIONS[state]
    if step not in allowed:
        raise Invalid(
            "step",
            _("a case cannot go from %(old)s to %(new)s; allowed: %(allowed)s")
            % {
                "old": state,
                "new": step,
                "allowed": ", ".join(sorted(allowed)) or _("none (it is closed)"),
            },
        )
    if last_on is not None and on < last_on:
        raise Invalid(
            "on",
            _("%(day)s is before the case's previous step (%(state)s on %(last)s)")
            % {"day": on.isoformat(), "state": state, "last": last_on.isoformat()},
        )
    if step == StepKind.SOLVED and not has_solver:
        raise Invalid("unit", _("say which unit or district solved the case"))


def record_step(
    *,
    user: User,
    offence_id: int,
    step: str,
    on: Any,
    unit: str | int | None = None,
    district: str | int | None = None,
    source_system: str = "senim",
) -> CaseStep:
    """Record one step of a criminal case and move the offence's status with it."""
    day = parse_day(on, "on")
    with transaction.atomic():
        offence = _writable_offence(user, offence_id)
        return apply_step(
            offence,
            step=step,
            on=day,
            unit=unit,
            district=district,
            user=user,
            actor=user.get_username(),
            source_system=source_system,
        )


def apply_step(
    offence: Offence,
    *,
    step: str,
    on: dt.date,
    unit: str | int | None,
    district: str | int | None,
    user: User | None,
    actor: str,
    source_system: str,
) -> CaseStep:
    """Check and write a step of an offence the caller has locked and may write to."""
    found_unit, found_district = _by_whom(user, offence, unit=unit, district=district)
    check_step(offence, step=step, on=on, has_solver=bool(found_unit or found_district))
    with transaction.atomic():
        created = CaseStep.objects.create(
            offence=offence,
            step=step,
            on=on,
            unit=found_unit,
            district=found_district,
            source_system=source_system,
            actor=actor,
        )
        old = offence.status
        Offence.objects.filter(pk=offence.pk).update(status=step)
        offence.status = step
        audit.record(
            action="status",
            model=Offence._meta.label,
            object_pk=offence.pk,
            actor=actor,
            details={"from": old, "to": str(step), "on": on.isoformat(), "step": True},
        )
    return created


# --- damage and repayments ---------------------------------------------------------------------


def repaid_total(offence: Offence) -> Decimal:
    total = offence.repayments.aggregate(s=Sum("amount"))["s"]
    return Decimal(total or 0)


def record_damage(
    *, user: User, offence_id: int, amount: Any, assessed_on: Any, source_system: str = "senim"
) -> Damage:
    """Set (or correct) an offence's damage; it may not fall below what is already repaid."""
    value = parse_amount(amount, "damage")
    day = parse_day(assessed_on, "assessed_on")
    with transaction.atomic():
        offence = _writable_offence(user, offence_id)
        return apply_damage(
            offence, amount=value, on=day, actor=user.get_username(), source_system=source_system
        )


def apply_damage(
    offence: Offence, *, amount: Decimal, on: dt.date, actor: str, source_system: str
) -> Damage:
    not_future(on, "assessed_on")
    _not_before_registration(on, offence, "assessed_on")
    repaid = repaid_total(offence)
    if amount < repaid:
        raise Invalid(
            "damage",
            _("%(amount)s ₸ is less than the %(repaid)s ₸ already repaid")
            % {"amount": amount, "repaid": repaid},
        )
    with transaction.atomic():
        damage, _created = Damage.objects.update_or_create(
            offence=offence,
            defaults={"amount": amount, "assessed_on": on, "source_system": source_system},
        )
        audit.record(
            action="damage",
            model=Offence._meta.label,
            object_pk=offence.pk,
            actor=actor,
            details={"amount": str(amount), "on": on.isoformat()},
        )
    return damage


def check_repayment(offence: Offence, *, amount: Decimal, on: dt.date) -> None:
    not_future(on, "repaid_on")
    _not_before_registration(on, offence, "repaid_on")
    damage = Damage.objects.filter(offence=offence).first()
    if damage is None:
        raise Invalid("repaid", _("record the damage before a repayment"))
    if on < damage.assessed_on:
        raise Invalid(
            "repaid_on",
            _("%(day)s is before the damage was assessed (%(assessed)s)")
            % {"day": on.isoformat(), "assessed": damage.assessed_on.isoformat()},
        )
    already = repaid_total(offence) - Decimal(
        offence.repayments.filter(on=on).aggregate(s=Sum("amount"))["s"] or 0
    )
    if already + amount > damage.amount:
        raise Invalid(
            "repaid",
            _("repayments would come to %(total)s ₸, above the damage of %(damage)s ₸")
            % {"total": already + amount, "damage": damage.amount},
        )


def record_repayment(
    *, user: User, offence_id: int, amount: Any, on: Any, source_system: str = "senim"
) -> Repayment:
    """Record the damage repaid on a day (the day's total: a second entry replaces it)."""
    value = parse_amount(amount, "repaid", positive=True)
    day = parse_day(on, "repaid_on")
    with transaction.atomic():
        offence = _writable_offence(user, offence_id)
        return apply_repayment(
            offence, amount=value, on=day, actor=user.get_username(), source_system=source_system
        )


def apply_repayment(
    offence: Offence, *, amount: Decimal, on: dt.date, actor: str, source_system: str
) -> Repayment:
    check_repayment(offence, amount=amount, on=on)
    with transaction.atomic():
        repayment, _created = Repayment.objects.update_or_create(
            offence=offence,
            on=on,
            defaults={"amount": amount, "source_system": source_system, "actor": actor},
        )
        audit.record(
            action="repayment",
            model=Offence._meta.label,
            object_pk=offence.pk,
            actor=actor,
            details={"amount": str(amount), "on": on.isoformat()},
        )
    return repayment


# --- searches ----------------------------------------------------------------------------------

OUTCOME_OF = {SearchKind.MISSING.value: "found", SearchKind.WANTED.value: "caught"}


def open_search(*, user: User, appeal_id: int, on: Any) -> PersonSearch:
    """Open the search for the person a missing-person appeal reports (once per appeal)."""
    if not can_write(user):
        raise Forbidden("", _("Your role does not record case outcomes."))
    day = parse_day(on, "opened_on")
    with transaction.atomic():
        appeal = scoped(user, Appeal.objects.select_for_update()).filter(pk=appeal_id).first()
        if appeal is None:
            raise NotFound("appeal", _("No such appeal in your territory."))
        if appeal.category != AppealCategory.MISSING_PERSON:
            raise Invalid("appeal", _("only an appeal about a missing person opens a search"))
        if PersonSearch.objects.filter(appeal=appeal).exists():
            raise Invalid("appeal", _("a search is open for this appeal already"))
        not_future(day, "opened_on")
        received = local_day(appeal.received_at)
        if day < received:
            raise Invalid(
                "opened_on",
                _("%(day)s is before the appeal was received (%(received)s)")
                % {"day": day.isoformat(), "received": received.isoformat()},
            )
        return PersonSearch.objects.create(
            kind=SearchKind.MISSING,
            region_id=appeal.region_id,
            district_id=appeal.district_id,
            opened_on=day,
            appeal=appeal,
            source_system="senim",
            external_id=f"appeal-{appeal.pk}",
        )


def open_wanted_search(*, user: User, offence_id: int, on: Any) -> PersonSearch:
    """Declare a suspect of a criminal case wanted (one search per person; no one is named)."""
    day = parse_day(on, "opened_on")
    with transaction.atomic():
        offence = _writable_offence(user, offence_id)
        if offence.kind not in CRIMINAL_KINDS:
            raise Invalid("offence", _("only a criminal case has suspects to search for"))
        not_future(day, "opened_on")
        _not_before_registration(day, offence, "opened_on")
        n = PersonSearch.objects.filter(offence=offence, kind=SearchKind.WANTED).count() + 1
        return PersonSearch.objects.create(
            kind=SearchKind.WANTED,
            region_id=offence.region_id,
            district_id=offence.district_id,
            opened_on=day,
            offence=offence,
            source_system="senim",
            external_id=f"offence-{offence.pk}-{n}",
        )


def record_search_outcome(*, user: User, search_id: int, on: Any) -> PersonSearch:
    """A missing person found or a wanted one caught, on a day."""
    if not can_write(user):
        raise Forbidden("", _("Your role does not record case outcomes."))
    day = parse_day(on, "outcome_on")
    with transaction.atomic():
        search = scoped(user, PersonSearch.objects.select_for_update()).filter(pk=search_id).first()
        if search is None:
            raise NotFound("search", _("No such search in your territory."))
        if search.outcome:
            raise Invalid("outcome", _("the search is already closed"))
        not_future(day, "outcome_on")
        if day < search.opened_on:
            raise Invalid(
                "outcome_on",
                _("%(day)s is before the search was opened (%(opened)s)")
                % {"day": day.isoformat(), "opened": search.opened_on.isoformat()},
            )
        search.outcome, search.outcome_on = OUTCOME_OF[search.kind], day
        search.save(update_fields=["outcome", "outcome_on"])
    return search


def last_step_day(offence_ids: list[int]) -> dict[int, dt.date]:
    rows = CaseStep.objects.filter(offence_id__in=offence_ids).values("offence_id")
    return {r["offence_id"]: r["last"] for r in rows.annotate(last=Max("on"))}
