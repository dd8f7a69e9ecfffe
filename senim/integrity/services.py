"""Writes of the integrity app: complaints against officers through their internal check,
disciplinary measures and commendations. One transaction per use case, each in the audit log
with codes and ids only (never a complainant's name or the text of a complaint).

Forms arrive as mappings of text (an HTML form or a JSON body); each rule broken is an `Invalid`
naming the field, and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.calendar import add_working_days, parse_day
from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import Unit, User
from senim.core.permissions import Perm, can
from senim.core.scope import scope_level
from senim.core.text import clean_text
from senim.integrity.models import (
    AppealOutcome,
    Commendation,
    CommendationKind,
    ComplaintKind,
    ComplaintSource,
    ComplaintStatus,
    DisciplinaryMeasure,
    Finding,
    MeasureKind,
    OfficerComplaint,
    OfficerFile,
    ServiceStatus,
)
from senim.register.services import appeal_facts
from senim.safeguards.services.complaints import facts_for_link

Form = Mapping[str, Any]

# A written complaint is answered within the appeals' term (15 working days, Administrative
# Procedure and Process Code of the RK, art. 76; the register's answer terms).
ANSWER_WORKING_DAYS = 15
# The internal check's term. No seed gives it: 30 calendar days is assumed (docs/integrity.md)
# and the check's page says so.
CHECK_DAYS = 30
EARLIEST = dt.date(2000, 1, 1)


def whole(value: object) -> int:
    """An id from a form: ASCII digits only, else 0 (no such row)."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0


def _require(user: User, perm: str, message: str) -> None:
    if not can(user, perm):
        raise Forbidden("", message)


def _log(user: User, action: str, obj: Any, details: dict[str, Any]) -> None:
    audit.record(
        action=action,
        model=obj._meta.label,
        object_pk=obj.pk,
        actor=user.get_username(),
        details=details,
    )


def _choice(form: Form, name: str, choices: Any, *, required: bool = True) -> str:
    value = str(form.get(name) or "").strip()
    if not value and not required:
        return ""
    if value not in choices.values:
        raise Invalid(name, _("Choose one of the listed values."))
    return value


def _day(form: Form, name: str, *, today: dt.date, required: bool = True) -> dt.date | None:
    raw = str(form.get(name) or "").strip()
    if not raw:
        if required:
            raise Invalid(name, _("is required"))
        return None
    day = parse_day(raw)
    if day is None:
        raise Invalid(name, _("is not a date (YYYY-MM-DD)"))
    if day > today:
        raise Invalid(name, _("cannot be in the future"))
    if day < EARLIEST:
        raise Invalid(name, _("is too far in the past"))
    return day


def in_territory(user: User, region_id: int | None, district_id: int | None) -> bool:
    level = scope_level(user)
    if level == "national":
        return True
    if level == "region":
        return region_id == user.region_id
    if level == "district":
        return district_id is not None and district_id == user.district_id
    return False


def in_scope(user: User, qs: Any) -> Any:
    """Rows (with region and district) of the user's territory: an officer's file or a
    complaint belongs to the territory of the unit it names."""
    level = scope_level(user)
    if level == "national":
        return qs
    if level == "region":
        return qs.filter(region_id=user.region_id or 0)
    if level == "district":
        return qs.filter(district_id=user.district_id or 0)
    return qs.none()


def files_in_scope(user: User) -> Any:
    """Officers' files of the user's territory."""
    return in_scope(
        user, OfficerFile.objects.select_related("officer", "unit", "region", "district")
    )


def complaints_in_scope(user: User) -> Any:
    return in_scope(user, OfficerComplaint.objects.select_related("region", "district", "unit"))


def _officers(user: User, raw: object, unit: Unit) -> list[OfficerFile]:
    """Badge numbers separated by commas or spaces: each an officer of the complaint's region
    within the user's territory."""
    badges = [b for b in str(raw or "").replace(",", " ").split() if b]
    if len(badges) > 20:
        raise Invalid("officers", _("Name at most 20 officers."))
    found = {
        f.officer.badge_number: f
        for f in files_in_scope(user).filter(officer__badge_number__in=badges)
    }
    for badge in badges:
        officer = found.get(badge)
        if officer is None:
            raise Invalid(
                "officers",
                _("No officer with badge %(badge)s in your territory.") % {"badge": badge},
            )
        if officer.region_id != unit.region_id:
            raise Invalid(
                "officers",
                _("Officer %(badge)s serves in another region than the unit complained of.")
                % {"badge": badge},
            )
    return [found[b] for b in dict.fromkeys(badges)]


@transaction.atomic
def complaint_register(
    *, user: User, form: Form, now: dt.datetime | None = None
) -> OfficerComplaint:
    """Register a complaint against officers of a unit; the answer is due in 15 working days.

    An ill-treatment complaint is not typed in twice: it is registered by linking the record
    of the ill-treatment complaint register, whose unit, officer and time it takes.
    """
    _require(
        user,
        Perm.OFFICER_COMPLAINTS,
        _("Your role does not work with complaints against officers."),
    )
    now = now or timezone.now()
    today = timezone.localdate(now)
    kind = _choice(form, "kind", ComplaintKind)
    source = _choice(form, "source", ComplaintSource)
    summary = clean_text(form.get("summary"), field="summary", max_length=4000, required=True)
    name = clean_text(form.get("complainant_name"), field="complainant_name", max_length=200)
    contact = clean_text(
        form.get("complainant_contact"), field="complainant_contact", max_length=200
    )
    appeal_id = ill_id = None
    unit: Unit | None = None
    if kind == ComplaintKind.ILL_TREATMENT or source == ComplaintSource.SAFEGUARDS:
        facts = facts_for_link(pk=whole(form.get("ill_treatment")))
        if facts is None:
            raise Invalid(
                "ill_treatment",
                _("An ill-treatment complaint is linked from its register: give its number."),
            )
        if OfficerComplaint.objects.filter(ill_treatment_id=facts["pk"]).exists():
            raise Invalid("ill_treatment", _("This ill-treatment complaint is already linked."))
        if facts["unit_id"] is None:
            raise Invalid("ill_treatment", _("That complaint names no unit; complete it first."))
        ill_id, kind, source = facts["pk"], ComplaintKind.ILL_TREATMENT, ComplaintSource.SAFEGUARDS
        unit = Unit.objects.filter(pk=facts["unit_id"]).first()
        received_at = facts["received_at"]
    else:
        unit = Unit.objects.filter(pk=whole(form.get("unit"))).first()
        if unit is None or unit.region_id is None:
            raise Invalid("unit", _("Choose the unit complained of."))
        day = _day(form, "received_on", today=today)
        assert day is not None
        received_at = (
            now if day == today else timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        )
        if source in (ComplaintSource.APPEAL, ComplaintSource.E_OTINISH) and form.get("appeal"):
            facts = appeal_facts(pk=whole(form.get("appeal")))
            # Another territory's appeal answers as unknown: no existence oracle.
            if (
                facts is None
                or facts["category"] != "complaint_police"
                or not in_territory(user, facts["region_id"], facts["district_id"])
            ):
                raise Invalid("appeal", _("No appeal about the police with this number."))
            if OfficerComplaint.objects.filter(appeal_id=facts["pk"]).exists():
                raise Invalid("appeal", _("This appeal is already registered as a complaint."))
            appeal_id, received_at = facts["pk"], facts["received_at"]
    intake = None
    if source == ComplaintSource.PORTAL and form.get("portal"):
        from senim.integrity import intake as portal_intake

        intake = portal_intake.claim(user, form)
        received_at = intake.received_at
    assert unit is not None
    if (
        not in_territory(user, unit.region_id, unit.district_id or None)
        and scope_level(user) != "district"
    ):
        raise Forbidden("unit", _("This unit is outside your territory."))
    if scope_level(user) == "district" and unit.district_id != user.district_id:
        raise Forbidden("unit", _("This unit is outside your territory."))
    officers = _officers(user, form.get("officers"), unit)
    if ill_id is not None and not officers:
        officer_id = facts_for_link(pk=ill_id)["officer_id"]  # type: ignore[index]
        officers = list(files_in_scope(user).filter(officer_id=officer_id)) if officer_id else []
    received_day = timezone.localdate(received_at)
    complaint = OfficerComplaint.objects.create(
        received_at=received_at,
        kind=kind,
        source=source,
        region_id=unit.region_id or 0,
        district_id=unit.district_id,
        unit=unit,
        appeal_id=appeal_id,
        ill_treatment_id=ill_id,
        complainant_name=name,
        complainant_contact=contact,
        summary=summary,
        answer_due=add_working_days(received_day, ANSWER_WORKING_DAYS),
        created_by=user.get_username(),
    )
    complaint.officers.set(officers)
    if intake is not None:
        portal_intake.link(user, intake, complaint)
    _log(
        user,
        "create",
        complaint,
        {"kind": kind, "source": source, "unit": unit.pk, "officers": [o.pk for o in officers]},
    )
    return complaint


def _complaint_for_write(user: User, pk: int) -> OfficerComplaint:
    _require(
        user,
        Perm.OFFICER_COMPLAINTS,
        _("Your role does not work with complaints against officers."),
    )
    complaint = complaints_in_scope(user).select_for_update(of=("self",)).filter(pk=pk).first()
    if complaint is None:
        raise NotFound("", _("No such complaint in your territory."))
    return complaint


@transaction.atomic
def complaint_start_check(
    *, user: User, pk: int, now: dt.datetime | None = None
) -> OfficerComplaint:
    now = now or timezone.now()
    complaint = _complaint_for_write(user, pk)
    if complaint.status != ComplaintStatus.REGISTERED:
        raise Invalid("status", _("The internal check has already started."))
    complaint.status = ComplaintStatus.CHECK
    complaint.check_started_at = now
    complaint.check_due = timezone.localdate(now) + dt.timedelta(days=CHECK_DAYS)
    complaint.save(update_fields=["status", "check_started_at", "check_due"])
    _log(user, "check", complaint, {"due": complaint.check_due.isoformat()})
    return complaint


@transaction.atomic
def complaint_record_finding(
    *, user: User, pk: int, form: Form, now: dt.datetime | None = None
) -> OfficerComplaint:
    now = now or timezone.now()
    complaint = _complaint_for_write(user, pk)
    if complaint.status == ComplaintStatus.REGISTERED:
        raise Invalid(
            "finding", _("A finding comes after the internal check: start the check first.")
        )
    if complaint.status != ComplaintStatus.CHECK:
        raise Invalid("finding", _("The finding has already been made."))
    finding = _choice(form, "finding", Finding)
    basis = clean_text(
        form.get("finding_basis"), field="finding_basis", max_length=4000, required=True
    )
    complaint.status = ComplaintStatus.FINDING
    complaint.finding, complaint.finding_basis, complaint.finding_at = finding, basis, now
    complaint.save(update_fields=["status", "finding", "finding_basis", "finding_at"])
    _log(user, "finding", complaint, {"finding": finding})
    return complaint


@transaction.atomic
def complaint_close(*, user: User, pk: int, now: dt.datetime | None = None) -> OfficerComplaint:
    now = now or timezone.now()
    complaint = _complaint_for_write(user, pk)
    if complaint.status != ComplaintStatus.FINDING:
        raise Invalid("status", _("A complaint is closed after its finding."))
    if complaint.finding == Finding.SUSTAINED and not complaint.measures.exists():
        raise Invalid(
            "status", _("The complaint is sustained: record the measure before closing it.")
        )
    complaint.status, complaint.closed_at = ComplaintStatus.CLOSED, now
    complaint.save(update_fields=["status", "closed_at"])
    _log(user, "close", complaint, {})
    return complaint


def _officer_for_write(user: User, form: Form) -> OfficerFile:
    """The officer named by badge, if the user's territory holds them; an officer elsewhere gets
    the answer of a badge that does not exist, so the form tells nothing of other regions' staff
    (issue 16 item 6)."""
    badge = str(form.get("officer") or "").strip()
    officer = files_in_scope(user).filter(officer__badge_number=badge).first()
    if officer is None:
        raise Invalid("officer", _("No such officer in your territory."))
    return officer


@transaction.atomic
def measure_impose(
    *, user: User, form: Form, now: dt.datetime | None = None
) -> DisciplinaryMeasure:
    """A disciplinary measure on an officer, on a stated basis; a dismissal ends the service."""
    _require(user, Perm.DISCIPLINE, _("Your role does not impose disciplinary measures."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    officer = _officer_for_write(user, form)
    kind = _choice(form, "kind", MeasureKind)
    basis = clean_text(form.get("basis"), field="basis", max_length=2000)
    if not basis:
        raise Invalid(
            "basis", _("A measure needs its basis: the finding or the breach it answers.")
        )
    oath = str(form.get("oath_breach") or "") in ("1", "on", "true", "yes")
    if oath and kind != MeasureKind.DISMISSAL:
        raise Invalid("oath_breach", _("A breach of the oath is answered by dismissal."))
    imposed_on = _day(form, "imposed_on", today=today)
    assert imposed_on is not None
    complaint = None
    if form.get("complaint"):
        complaint = complaints_in_scope(user).filter(pk=whole(form.get("complaint"))).first()
        if complaint is None:
            raise Invalid("complaint", _("No such complaint in your territory."))
        if complaint.finding != Finding.SUSTAINED:
            raise Invalid("complaint", _("A measure follows a sustained finding only."))
        if not complaint.officers.filter(pk=officer.pk).exists():
            raise Invalid("complaint", _("The complaint does not name this officer."))
    if officer.status == ServiceStatus.DISMISSED:
        raise Invalid("officer", _("The officer has already been dismissed."))
    measure = DisciplinaryMeasure.objects.create(
        officer=officer,
        complaint=complaint,
        kind=kind,
        basis=basis,
        oath_breach=oath,
        imposed_on=imposed_on,
        imposed_by=user.get_username(),
    )
    if kind == MeasureKind.DISMISSAL:
        officer.status, officer.status_since = ServiceStatus.DISMISSED, imposed_on
        officer.save(update_fields=["status", "status_since"])
    _log(user, "create", measure, {"officer": officer.pk, "kind": kind, "oath_breach": oath})
    return measure


@transaction.atomic
def measure_appeal(
    *, user: User, pk: int, form: Form, now: dt.datetime | None = None
) -> DisciplinaryMeasure:
    """The officer appealed the measure; the outcome is recorded when known."""
    _require(user, Perm.DISCIPLINE, _("Your role does not impose disciplinary measures."))
    today = timezone.localdate(now or timezone.now())
    measure = (
        DisciplinaryMeasure.objects.select_for_update(of=("self",))
        .filter(pk=pk, officer__in=files_in_scope(user))
        .first()
    )
    if measure is None:
        raise NotFound("", _("No such measure in your territory."))
    appealed_on = _day(form, "appealed_on", today=today)
    assert appealed_on is not None
    if appealed_on < measure.imposed_on:
        raise Invalid("appealed_on", _("An appeal cannot precede the measure."))
    outcome = _choice(form, "appeal_outcome", AppealOutcome)
    measure.appealed_on, measure.appeal_outcome = appealed_on, outcome
    measure.save(update_fields=["appealed_on", "appeal_outcome"])
    if measure.kind == MeasureKind.DISMISSAL and outcome == AppealOutcome.CANCELLED:
        officer = measure.officer
        officer.status, officer.status_since = ServiceStatus.SERVING, today
        officer.save(update_fields=["status", "status_since"])
    _log(user, "appeal", measure, {"outcome": outcome})
    return measure


@transaction.atomic
def commendation_give(*, user: User, form: Form, now: dt.datetime | None = None) -> Commendation:
    _require(user, Perm.DISCIPLINE, _("Your role does not record commendations."))
    today = timezone.localdate(now or timezone.now())
    officer = _officer_for_write(user, form)
    kind = _choice(form, "kind", CommendationKind)
    basis = clean_text(form.get("basis"), field="basis", max_length=500, required=True)
    given_on = _day(form, "given_on", today=today)
    assert given_on is not None
    commendation = Commendation.objects.create(
        officer=officer, kind=kind, basis=basis, given_on=given_on
    )
    _log(user, "create", commendation, {"officer": officer.pk, "kind": kind})
    return commendation


# --- early intervention -----------------------------------------------------------------------


def flags_in_scope(user: User) -> Any:
    from senim.integrity.models import RiskFlag

    return RiskFlag.objects.filter(officer__in=files_in_scope(user)).select_related(
        "officer__officer", "officer__unit", "model"
    )


@transaction.atomic
def intervention_record(*, user: User, pk: int, form: Form, now: dt.datetime | None = None) -> Any:
    """The supervisor's decision on a flag: an intervention, or no action and why."""
    from senim.integrity.models import FlagStatus, Intervention, InterventionKind

    _require(user, Perm.EARLY_WARNING, _("Your role does not work with early intervention."))
    today = timezone.localdate(now or timezone.now())
    flag = flags_in_scope(user).select_for_update(of=("self",)).filter(pk=pk).first()
    if flag is None:
        raise NotFound("", _("No such flag in your territory."))
    kind = _choice(form, "kind", InterventionKind)
    reason = clean_text(form.get("reason"), field="reason", max_length=2000)
    if not reason:
        raise Invalid(
            "reason", _("Say why: what the intervention is for, or why no action is needed.")
        )
    wrong = str(form.get("flag_was_wrong") or "") in ("1", "on", "true", "yes")
    if wrong and kind != InterventionKind.NO_ACTION:
        raise Invalid("flag_was_wrong", _("A flag called wrong is answered by no action."))
    decided_on = _day(form, "decided_on", today=today)
    assert decided_on is not None
    if decided_on < flag.as_of:
        raise Invalid("decided_on", _("A decision cannot precede the flag."))
    intervention = Intervention.objects.create(
        flag=flag,
        kind=kind,
        reason=reason,
        flag_was_wrong=wrong,
        decided_on=decided_on,
        decided_by=user.get_username(),
    )
    flag.status = FlagStatus.DECIDED
    flag.save(update_fields=["status"])
    _log(user, "create", intervention, {"flag": flag.pk, "kind": kind, "flag_was_wrong": wrong})
    return intervention


@transaction.atomic
def intervention_outcome(*, user: User, pk: int, form: Form, now: dt.datetime | None = None) -> Any:
    from senim.integrity.models import FlagStatus, Intervention, Outcome

    _require(user, Perm.EARLY_WARNING, _("Your role does not work with early intervention."))
    today = timezone.localdate(now or timezone.now())
    intervention = (
        Intervention.objects.select_for_update(of=("self",))
        .filter(pk=pk, flag__in=flags_in_scope(user))
        .select_related("flag")
        .first()
    )
    if intervention is None:
        raise NotFound("", _("No such intervention in your territory."))
    outcome = _choice(form, "outcome", Outcome)
    if outcome == Outcome.PENDING:
        raise Invalid("outcome", _("Choose what came of the intervention."))
    intervention.outcome, intervention.outcome_on = outcome, today
    intervention.save(update_fields=["outcome", "outcome_on"])
    flag = intervention.flag
    flag.status = FlagStatus.CLOSED
    flag.save(update_fields=["status"])
    _log(user, "outcome", intervention, {"outcome": outcome})
    return intervention
