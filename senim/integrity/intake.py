"""The portal's complaint form as an intake for internal security (models/intake.py).

`submit` takes a citizen's form (no account), `status` answers the citizen who gives the
reference and access code, `decline` and `claim` are internal security's: a claimed intake is
registered by `services.complaint_register`, which links it in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.calendar import add_working_days
from senim.core.errors import Invalid, NotFound, TooMany
from senim.core.iin import iin_hash
from senim.core.models import District, Region, User
from senim.core.permissions import Perm
from senim.core.text import clean_text
from senim.integrity.models import (
    ComplaintKind,
    DeclineReason,
    IntakeStatus,
    OfficerComplaint,
    PortalComplaint,
)
from senim.integrity.services import (
    ANSWER_WORKING_DAYS,
    Form,
    _choice,
    _day,
    _require,
    in_scope,
    in_territory,
    whole,
)

# Letters and digits that cannot be mistaken for one another when read out or typed.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
AUDIT_MODEL = "integrity.PortalComplaint"


def _code(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def _hash(value: str) -> str:
    return iin_hash(f"portal:{value}")


def _contact(form: Form) -> str:
    contact = clean_text(
        form.get("complainant_contact"), field="complainant_contact", max_length=200, required=True
    )
    digits = re.sub(r"\D", "", contact)
    if not _EMAIL.match(contact) and not (
        10 <= len(digits) <= 15 and not re.search(r"[^\d\s+()-]", contact)
    ):
        raise Invalid(
            "complainant_contact", _("Give a telephone number or an e-mail address for the answer.")
        )
    return contact


@dataclass(frozen=True)
class Receipt:
    reference: str
    code: str
    answer_by: dt.date


@transaction.atomic
def submit(*, form: Form, address: str, language: str, now: dt.datetime | None = None) -> Receipt:
    """Store a citizen's complaint for internal security; the receipt is shown once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if str(form.get("website") or ""):  # a field people never see: filled only by robots
        raise Invalid("", _("The form could not be accepted."))
    address_hash = _hash(address)
    day_ago = now - dt.timedelta(days=1)
    limit = int(settings.SENIM_PORTAL_COMPLAINTS_PER_DAY)
    sent = PortalComplaint.objects.filter(address_hash=address_hash, received_at__gte=day_ago)
    if sent.count() >= limit:
        raise TooMany(
            "",
            _("Too many complaints were sent from this connection today; try again tomorrow."),
        )
    kind = _choice(form, "kind", ComplaintKind)
    region = Region.objects.filter(pk=whole(form.get("region"))).first()
    if region is None:
        raise Invalid("region", _("Choose the region where it happened."))
    district = None
    if form.get("district"):
        district = District.objects.filter(pk=whole(form.get("district")), region=region).first()
        if district is None:
            raise Invalid("district", _("This district is not in the chosen region."))
    happened_on = _day(form, "happened_on", today=today)
    assert happened_on is not None
    fields = {
        "place": clean_text(form.get("place"), field="place", max_length=200),
        "officers_described": clean_text(
            form.get("officers_described"), field="officers_described", max_length=200
        ),
        "summary": clean_text(form.get("summary"), field="summary", max_length=4000, required=True),
        "complainant_name": clean_text(
            form.get("complainant_name"), field="complainant_name", max_length=200, required=True
        ),
        "complainant_contact": _contact(form),
    }
    if len(fields["summary"]) < 20:
        raise Invalid("summary", _("Say what happened in a few sentences."))
    code = _code(10)
    while True:
        reference = _code(8)
        if not PortalComplaint.objects.filter(reference=reference).exists():
            break
    intake = PortalComplaint.objects.create(
        reference=reference,
        code_hash=_hash(code),
        received_at=now,
        kind=kind,
        region=region,
        district=district,
        happened_on=happened_on,
        language=language[:2],
        address_hash=address_hash,
        **fields,
    )
    audit.record(
        action="create",
        model=AUDIT_MODEL,
        object_pk=intake.pk,
        actor="portal",
        details={"kind": kind, "region": region.pk},
    )
    return Receipt(reference, code, add_working_days(today, ANSWER_WORKING_DAYS))


@dataclass(frozen=True)
class Progress:
    """What the citizen may see of their complaint: its stage and terms, never officers' data."""

    reference: str
    received_at: dt.datetime
    status: str
    stage: str
    answer_due: dt.date | None
    finding: str
    decline_reason: str


def status(*, reference: str, code: str) -> Progress:
    """The stage of the complaint with this reference, if the code is its own; NotFound for a
    wrong pair, whichever half is wrong (the answer tells nothing about other complaints)."""
    ref = reference.strip().upper()[:12]
    intake = (
        PortalComplaint.objects.select_related("complaint").filter(reference=ref).first()
        if ref
        else None
    )
    given = _hash(code.strip().upper()[:20])
    if intake is None or not hmac.compare_digest(intake.code_hash, given):
        raise NotFound("reference", _("No complaint with this reference and code."))
    complaint: OfficerComplaint | None = intake.complaint
    if complaint is not None:
        stage = complaint.get_status_display()
        finding = complaint.get_finding_display() if complaint.status == "closed" else ""
        due: dt.date | None = complaint.answer_due
    else:
        stage, finding, due = intake.get_status_display(), "", None
    return Progress(
        reference=intake.reference,
        received_at=intake.received_at,
        status=intake.status,
        stage=str(stage),
        answer_due=due,
        finding=str(finding),
        decline_reason=intake.get_decline_reason_display() if intake.decline_reason else "",
    )


def waiting(user: User) -> Any:
    """Portal complaints in the user's territory waiting to be registered, oldest first."""
    _require(
        user,
        Perm.OFFICER_COMPLAINTS,
        _("Your role does not work with complaints against officers."),
    )
    return in_scope(
        user,
        PortalComplaint.objects.filter(status=IntakeStatus.NEW).select_related(
            "region", "district"
        ),
    ).order_by("received_at", "id")


def _waiting_for_write(user: User, pk: int) -> PortalComplaint:
    intake = (
        PortalComplaint.objects.select_for_update(of=("self",))
        .filter(pk=pk, status=IntakeStatus.NEW)
        .first()
    )
    # Another territory's intake, or one already handled, answers as unknown.
    if intake is None or not in_territory(user, intake.region_id, intake.district_id):
        raise NotFound("portal", _("No complaint from the portal with this number is waiting."))
    return intake


def for_register(user: User, pk: int) -> PortalComplaint:
    """A waiting intake the user may register (read for the form's prefill)."""
    _require(
        user,
        Perm.OFFICER_COMPLAINTS,
        _("Your role does not work with complaints against officers."),
    )
    intake = waiting(user).filter(pk=pk).first()
    if intake is None:
        raise NotFound("portal", _("No complaint from the portal with this number is waiting."))
    audit.record_read(intake, actor=user.get_username(), purpose="complaint against officers")
    return intake


def claim(user: User, form: Form) -> PortalComplaint:
    """Lock the waiting intake a registration names (inside its transaction)."""
    return _waiting_for_write(user, whole(form.get("portal")))


def _handled(
    user: User, intake: PortalComplaint, fields: list[str], details: dict[str, Any]
) -> None:
    intake.handled_at, intake.handled_by = timezone.now(), user.get_username()
    intake.save(update_fields=[*fields, "handled_at", "handled_by"])
    audit.record(
        action="update",
        model=AUDIT_MODEL,
        object_pk=intake.pk,
        actor=user.get_username(),
        details=details,
    )


def link(user: User, intake: PortalComplaint, complaint: OfficerComplaint) -> None:
    intake.status, intake.complaint = IntakeStatus.REGISTERED, complaint
    _handled(
        user, intake, ["status", "complaint"], {"status": "registered", "complaint": complaint.pk}
    )


@transaction.atomic
def decline(*, user: User, pk: int, form: Form) -> PortalComplaint:
    _require(
        user,
        Perm.OFFICER_COMPLAINTS,
        _("Your role does not work with complaints against officers."),
    )
    intake = _waiting_for_write(user, pk)
    reason = _choice(form, "reason", DeclineReason)
    intake.status, intake.decline_reason = IntakeStatus.DECLINED, reason
    _handled(user, intake, ["status", "decline_reason"], {"status": "declined", "reason": reason})
    return intake
