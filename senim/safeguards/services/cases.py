"""Art. 146 cases: registration, stage changes with their dates, requalification, yearly series."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.models import Region, User
from senim.safeguards import reference
from senim.safeguards.access import CASE_READ, CASE_WRITE
from senim.safeguards.errors import Conflict, Invalid, NotFound
from senim.safeguards.models import Art146Case, CaseEvent, CaseEventKind, CaseStage, Complaint
from senim.safeguards.services.common import check_territory, in_scope, label, require

S, K = CaseStage, CaseEventKind
OPEN = {S.INVESTIGATING, S.SUSPENDED}
# event → (stages it may follow, stage it leads to; None keeps the stage)
TRANSITIONS: dict[str, tuple[set[Any], Any]] = {
    K.REQUALIFIED: ({*OPEN, S.IN_COURT, S.CONVICTED, S.ACQUITTED}, None),
    K.SUSPENDED: ({S.INVESTIGATING}, S.SUSPENDED),
    K.RESUMED: ({S.SUSPENDED}, S.INVESTIGATING),
    K.TERMINATED_EXONERATING: (OPEN, S.TERMINATED_EXONERATING),
    K.TERMINATED_OTHER: (OPEN, S.TERMINATED_OTHER),
    K.SENT_TO_COURT: ({S.INVESTIGATING}, S.IN_COURT),
    K.RETURNED: ({S.IN_COURT}, S.INVESTIGATING),
    K.CONVICTED: ({S.IN_COURT, S.CONVICTED}, S.CONVICTED),
    K.ACQUITTED: ({S.IN_COURT}, S.ACQUITTED),
}


@dataclass(frozen=True)
class CaseInput:
    source_system: str
    external_id: str
    region: str
    registered_on: dt.date
    article: str = "146-1"
    erdr_number: str = ""
    complaint_id: int | None = None


def cases(*, user: User) -> QuerySet[Art146Case]:
    require(user, CASE_READ, _("Your role does not give access to torture cases."))
    return in_scope(user, Art146Case.objects.select_related("region"))


def create(*, user: User, data: CaseInput) -> tuple[Art146Case, bool]:
    require(user, CASE_WRITE, _("Only prosecutors investigate torture cases."))
    region = Region.objects.filter(iso=data.region).first()
    if region is None:
        raise Invalid("region", _("Unknown region code %(code)s.") % {"code": data.region})
    if data.registered_on > timezone.localdate():
        raise Invalid("registered_on", _("is in the future"))
    complaint = None
    if data.complaint_id is not None:
        complaint = Complaint.objects.filter(pk=data.complaint_id).first()
        if complaint is None:
            raise Invalid(
                "complaint_id", _("No record with id %(id)s.") % {"id": data.complaint_id}
            )
    check_territory(user, region_id=region.pk, district_id=None, field="region")
    key = {"source_system": data.source_system.strip(), "external_id": data.external_id.strip()}
    with transaction.atomic():
        existing = Art146Case.objects.filter(**key).first()
        if existing is not None:
            if existing.registered_on == data.registered_on and existing.region_id == region.pk:
                return existing, False
            raise Conflict(
                "external_id", _("This external id is already recorded with other content.")
            )
        try:
            with transaction.atomic():
                case = Art146Case.objects.create(
                    **key,
                    erdr_number=data.erdr_number.strip(),
                    region=region,
                    registered_on=data.registered_on,
                    article=data.article.strip(),
                )
        except IntegrityError:
            raise Conflict("external_id", _("This external id is already recorded.")) from None
        CaseEvent.objects.create(
            case=case,
            kind=K.REGISTERED,
            on=data.registered_on,
            to_article=case.article,
            created_by=user.get_username(),
        )
        if complaint is not None:
            Complaint.objects.filter(pk=complaint.pk).update(case=case)
        audit.record(
            action="create", model=label(Art146Case), object_pk=case.pk, actor=user.get_username()
        )
    return case, True


def add_event(
    *,
    user: User,
    pk: int,
    kind: str,
    on: dt.date,
    persons: int = 0,
    to_article: str = "",
    note: str = "",
) -> Art146Case:
    """Move a case on; the date may not precede the case's previous step nor lie in the future."""
    require(user, CASE_WRITE, _("Only prosecutors investigate torture cases."))
    if kind not in TRANSITIONS:
        raise Invalid(
            "kind", _("must be one of: %(allowed)s") % {"allowed": ", ".join(TRANSITIONS)}
        )
    with transaction.atomic():
        case = cases(user=user).select_for_update(of=("self",)).filter(pk=pk).first()
        if case is None:
            raise NotFound("", _("No such case in your territory."))
        allowed_from, to_stage = TRANSITIONS[kind]
        if case.stage not in allowed_from:
            raise Invalid(
                "kind",
                _("a case at stage %(stage)s cannot be %(event)s")
                % {"stage": case.get_stage_display(), "event": CaseEventKind(kind).label},
            )
        last = (
            case.events.order_by("-on").values_list("on", flat=True).first() or case.registered_on
        )
        if on < last:
            raise Invalid(
                "on",
                _("is before the case's previous step (%(date)s)") % {"date": last.isoformat()},
            )
        if on > timezone.localdate():
            raise Invalid("on", _("is in the future"))
        if kind == K.REQUALIFIED and not to_article.strip():
            raise Invalid("to_article", _("is required"))
        if kind in {K.CONVICTED, K.ACQUITTED} and persons < 1:
            raise Invalid("persons", _("at least one person"))
        event = CaseEvent.objects.create(
            case=case,
            kind=kind,
            on=on,
            persons=persons,
            from_article=case.article if kind == K.REQUALIFIED else "",
            to_article=to_article.strip(),
            note=note.strip(),
            created_by=user.get_username(),
        )
        if kind == K.REQUALIFIED:
            case.article = event.to_article
        if to_stage is not None:
            case.stage = to_stage
        case.save(update_fields=["article", "stage"])
        audit.record(
            action="case_step",  # the audit log's action is short; the step is in the details
            model=label(Art146Case),
            object_pk=case.pk,
            actor=user.get_username(),
            details={
                "step": kind,
                "on": on.isoformat(),
                "persons": persons,
                "to_article": event.to_article,
            },
        )
    return case


SERIES_EVENTS = {
    "suspended": K.SUSPENDED,
    "terminated_exonerating": K.TERMINATED_EXONERATING,
    "sent_to_court": K.SENT_TO_COURT,
}


def series(*, user: User, years: list[int]) -> dict[str, dict[int, int]]:
    """The yearly series of seed 004 §4, counted from the cases and their events."""
    qs = cases(user=user)
    out: dict[str, dict[int, int]] = {}
    registered = dict(
        qs.filter(registered_on__year__in=years)
        .annotate(y=ExtractYear("registered_on"))
        .values_list("y")
        .annotate(n=Count("id"))
    )
    out["registered"] = {y: registered.get(y, 0) for y in years}
    events = CaseEvent.objects.filter(case__in=qs, on__year__in=years).annotate(y=ExtractYear("on"))
    for name, kind in SERIES_EVENTS.items():
        counts = dict(
            events.filter(kind=kind).values_list("y").annotate(n=Count("case", distinct=True))
        )
        out[name] = {y: counts.get(y, 0) for y in years}
    persons = dict(events.filter(kind=K.CONVICTED).values_list("y").annotate(n=Sum("persons")))
    out["convicted_persons"] = {y: int(persons.get(y) or 0) for y in years}
    return out


@dataclass(frozen=True)
class Comparison:
    series: str
    period: str  # "2024" or "2023–2024"
    published: int
    computed: int

    @property
    def matches(self) -> bool:
        return self.published == self.computed


def comparisons(
    *, user: User, computed: dict[str, dict[int, int]] | None = None
) -> list[Comparison]:
    """Every published figure of §4 next to the same figure counted from records."""
    computed = computed or series(user=user, years=reference.SERIES_YEARS)
    out = []
    for name, published in reference.ART146_SERIES.items():
        for period, value in published.items():
            first, last = period if isinstance(period, tuple) else (period, period)
            total = sum(computed[name].get(y, 0) for y in range(first, last + 1))
            label_ = str(first) if first == last else f"{first}–{last}"
            out.append(Comparison(name, label_, value, total))
    return out
