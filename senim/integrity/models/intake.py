"""Complaints against officers sent by citizens through the public portal.

A citizen does not know which unit an officer serves in, so the portal's form is an intake: it
waits in internal security's queue until someone registers it as a complaint against officers
(naming the unit, linked back here) or declines it with a reason. The citizen follows it with a
reference and an access code, which is stored only as a keyed hash.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from senim.core.models import District, Region
from senim.integrity.models.complaints import ComplaintKind, OfficerComplaint


class IntakeStatus(models.TextChoices):
    NEW = "new", _("waiting to be registered")
    REGISTERED = "registered", _("registered as a complaint")
    DECLINED = "declined", _("not accepted")


class DeclineReason(models.TextChoices):
    NOT_POLICE = "not_police", _("not about police officers: sent on to the competent body")
    DUPLICATE = "duplicate", _("the same complaint was already received")
    NO_FACTS = "no_facts", _("no facts that could be checked")


class PortalComplaint(models.Model):
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    code_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(pgettext_lazy("officer complaint", "received"))
    kind = models.CharField(_("kind"), max_length=20, choices=ComplaintKind.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="+")
    happened_on = models.DateField(_("when it happened"))
    place = models.CharField(_("where it happened"), max_length=200, blank=True)
    # What the citizen knows of the officers: a badge number, a name, a car's number.
    officers_described = models.CharField(
        _("the officers, as described"), max_length=200, blank=True
    )
    summary = models.TextField(_("what happened"), max_length=4000)
    complainant_name = models.CharField(_("complainant"), max_length=200)
    complainant_contact = models.CharField(_("complainant's contact"), max_length=200)
    language = models.CharField(max_length=2)
    # A keyed hash of the sender's network address, for the daily limit only; never shown.
    address_hash = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=IntakeStatus.choices, default=IntakeStatus.NEW
    )
    decline_reason = models.CharField(
        _("reason"), max_length=12, choices=DeclineReason.choices, blank=True
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.CharField(max_length=150, blank=True)
    complaint = models.OneToOneField(
        OfficerComplaint, models.PROTECT, null=True, blank=True, related_name="portal_intake"
    )

    class Meta:
        verbose_name = _("complaint from the portal")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "region", "received_at"], name="intake_queue"),
            models.Index(fields=["address_hash", "received_at"], name="intake_sender"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="new") & Q(complaint__isnull=True) & Q(decline_reason=""))
                | (Q(status="registered") & Q(complaint__isnull=False) & Q(decline_reason=""))
                | (Q(status="declined") & Q(complaint__isnull=True) & ~Q(decline_reason="")),
                name="intake_status_consistent",
            ),
        ]
