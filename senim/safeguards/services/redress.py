"""Compensation decisions for torture victims, entries of the book of information records, and
who in the Ombudsman's institution considered the complaints — with the seed's published
figures beside the ones computed from records (seed 004 §4–§5; senim.safeguards.reference).

Refusals name the field and come before anything is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.models import Region, User
from senim.safeguards import reference
from senim.safeguards.access import COMPLAINT_READ, REDRESS_READ, REDRESS_WRITE
from senim.safeguards.errors import Invalid
from senim.safeguards.models import (
    Art146Case,
    BookEntry,
    Compensation,
    Complaint,
    ComplaintHandler,
    DecisionBody,
)
from senim.safeguards.services.common import check_territory, in_scope, label, require

MAX_AMOUNT = Decimal("1000000000")  # a single decision above a billion tenge is a typing error


def compensations(*, user: User) -> QuerySet[Compensation]:
    require(user, REDRESS_READ, _("Your role does not give access to compensation decisions."))
    return in_scope(
        user,
        Compensation.objects.select_related("region", "complaint", "case"),
        district="complaint__district_id",
    )


def book_entries(*, user: User) -> QuerySet[BookEntry]:
    require(user, REDRESS_READ, _("Your role does not give access to the book of records."))
    return in_scope(
        user, BookEntry.objects.select_related("region"), district="complaint__district_id"
    )


def _region(user: User, iso: str, *, field: str = "region", required: bool) -> Region | None:
    if not iso:
        if required:
            raise Invalid(field, _("This field is required."))
        return None
    region = Region.objects.filter(iso=iso[:8]).first()
    if region is None:
        raise Invalid(field, _("Unknown region code %(code)s.") % {"code": iso[:8]})
    check_territory(user, region_id=region.pk, district_id=None, field=field)
    return region


def _date(value: dt.date, field: str) -> None:
    if value > timezone.localdate():
        raise Invalid(field, _("%(day)s is in the future") % {"day": value.isoformat()})
    if value.year < 2000:
        raise Invalid(field, _("The year is out of range."))


def _amount(value: Decimal | str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise Invalid("amount", _("Enter a number.")) from None
    if not amount.is_finite():
        raise Invalid("amount", _("Enter a number."))
    if amount <= 0:
        raise Invalid("amount", _("The amount must be greater than zero."))
    if amount > MAX_AMOUNT:
        raise Invalid("amount", _("The amount is out of range."))
    if amount != amount.quantize(Decimal("0.01")):
        raise Invalid("amount", _("At most two decimal places (tiyn)."))
    return amount


def record_compensation(
    *,
    user: User,
    source_system: str,
    external_id: str,
    decided_on: dt.date,
    decision_body: str,
    amount: Decimal | str,
    region: str = "",
    complaint_id: int | None = None,
    case_id: int | None = None,
    decision_number: str = "",
    note: str = "",
) -> Compensation:
    """A compensation decision; the complaint and the case, where given, must be on record."""
    require(user, REDRESS_WRITE, _("Only prosecutors and administrators enter compensation."))
    value = _amount(amount)
    _date(decided_on, "decided_on")
    if decision_body not in DecisionBody.values:
        raise Invalid("decision_body", _("Choose one of the offered values."))
    place = _region(user, region, required=False)
    complaint = case = None
    if complaint_id is not None:
        complaint = Complaint.objects.filter(pk=complaint_id).first()
        if complaint is None:
            raise Invalid("complaint_id", _("No complaint with id %(id)s.") % {"id": complaint_id})
        check_territory(
            user,
            region_id=complaint.region_id,
            district_id=complaint.district_id,
            field="complaint_id",
        )
        place = place or complaint.region
    if case_id is not None:
        case = Art146Case.objects.filter(pk=case_id).first()
        if case is None:
            raise Invalid("case_id", _("No case with id %(id)s.") % {"id": case_id})
        place = place or case.region
    if Compensation.objects.filter(source_system=source_system, external_id=external_id).exists():
        raise Invalid("external_id", _("This decision is already recorded."))
    with transaction.atomic():
        made = Compensation.objects.create(
            source_system=source_system,
            external_id=external_id,
            decision_number=decision_number.strip(),
            decided_on=decided_on,
            decision_body=decision_body,
            amount=value,
            region=place,
            complaint=complaint,
            case=case,
            note=note.strip(),
            created_by=user.get_username(),
        )
        audit.record(
            action="create",
            model=label(Compensation),
            object_pk=made.pk,
            actor=user.get_username(),
            details={"amount": str(value), "decided_on": decided_on.isoformat()},
        )
    return made


def record_book_entry(
    *,
    user: User,
    source_system: str,
    external_id: str,
    entered_on: dt.date,
    region: str,
    number: str = "",
    complaint_id: int | None = None,
) -> BookEntry:
    require(user, REDRESS_WRITE, _("Only prosecutors and administrators keep the book."))
    _date(entered_on, "entered_on")
    place = _region(user, region, required=True)
    assert place is not None
    complaint = None
    if complaint_id is not None:
        complaint = Complaint.objects.filter(pk=complaint_id).first()
        if complaint is None:
            raise Invalid("complaint_id", _("No complaint with id %(id)s.") % {"id": complaint_id})
    if BookEntry.objects.filter(source_system=source_system, external_id=external_id).exists():
        raise Invalid("external_id", _("This entry is already recorded."))
    with transaction.atomic():
        made = BookEntry.objects.create(
            source_system=source_system,
            external_id=external_id,
            number=number.strip(),
            entered_on=entered_on,
            region=place,
            complaint=complaint,
            created_by=user.get_username(),
        )
        audit.record(
            action="create", model=label(BookEntry), object_pk=made.pk, actor=user.get_username()
        )
    return made


# --- indicators ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompensationYear:
    year: int
    decisions: int
    amount: Decimal
    published_decisions: int | None
    published_amount: Decimal | None

    @property
    def matches(self) -> bool | None:
        if self.published_decisions is None:
            return None
        return (self.decisions, self.amount) == (self.published_decisions, self.published_amount)


def compensation_series(*, user: User, years: list[int]) -> list[CompensationYear]:
    """Decisions (one per victim) and the amount awarded, by year of the decision."""
    rows = {
        r["decided_on__year"]: r
        for r in compensations(user=user)
        .filter(decided_on__year__in=years)
        .values("decided_on__year")
        .annotate(n=Count("id"), total=Sum("amount"))
    }
    out = []
    for year in years:
        published = reference.COMPENSATION.get(year)
        row: dict[str, Any] = dict(rows.get(year, {}))
        out.append(
            CompensationYear(
                year=year,
                decisions=row.get("n", 0),
                amount=Decimal(row.get("total") or 0).quantize(Decimal("0.01")),
                published_decisions=published[0] if published else None,
                published_amount=published[1].quantize(Decimal("0.01")) if published else None,
            )
        )
    return out


@dataclass(frozen=True)
class BookYear:
    year: int
    entries: int
    published: int | None
    growth: float | None  # percent over the year before


def book_series(*, user: User, years: list[int]) -> list[BookYear]:
    counts = dict(
        book_entries(user=user)
        .filter(entered_on__year__in=[*years, years[0] - 1])
        .values_list("entered_on__year")
        .annotate(n=Count("id"))
        .values_list("entered_on__year", "n")
    )
    out = []
    for year in years:
        before = counts.get(year - 1, 0)
        now = counts.get(year, 0)
        growth = 100.0 * (now - before) / before if before else None
        out.append(BookYear(year, now, reference.BOOK_ENTRIES.get(year), growth))
    return out


def handled_by(*, user: User, year: int) -> dict[str, int]:
    """The year's complaints by who in the Ombudsman's institution considered them."""
    require(user, COMPLAINT_READ, _("Your role does not give access to complaints."))
    qs = in_scope(user, Complaint.objects.filter(received_at__year=year))
    counts = dict(
        qs.values_list("handled_by").annotate(n=Count("id")).values_list("handled_by", "n")
    )
    return {c.value: counts.get(c.value, 0) for c in ComplaintHandler}
