"""Compensation to torture victims and the book of information records (seed 004 §4–§5)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import Region


class DecisionBody(models.TextChoices):
    # Seed 004 §4: the Ministry of Finance pays from the victims' compensation fund (30 MCI).
    FUND = "victims_fund", _("Victims' compensation fund (Ministry of Finance)")
    COURT = "court", _("court")
    OTHER = "other", _("other body")


class Compensation(models.Model):
    """A decision to pay compensation to a victim of torture: when, by whom, how much, and the
    complaint or Art. 146 case it follows where one is on record. No victim's identity is kept."""

    source_system = models.CharField(max_length=40)
    external_id = models.CharField(max_length=64)
    decision_number = models.CharField(_("decision number"), max_length=40, blank=True)
    decided_on = models.DateField(_("date of the decision"))
    decision_body = models.CharField(
        _("decision body"), max_length=16, choices=DecisionBody.choices
    )
    amount = models.DecimalField(_("amount, tenge"), max_digits=14, decimal_places=2)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+")
    complaint = models.ForeignKey(
        "Complaint", models.SET_NULL, null=True, blank=True, related_name="compensations"
    )
    case = models.ForeignKey(
        "Art146Case", models.SET_NULL, null=True, blank=True, related_name="compensations"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("compensation decision")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="compensation_external_id_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="compensation_amount_positive"),
        ]
        indexes = [models.Index(fields=["decided_on"], name="compensation_decided")]


class BookEntry(models.Model):
    """A report of torture entered in the book of information records (КУИ) kept by the
    prosecutor's office for legal statistics: 163 in 2024, 223 in 2025 (seed 004 §5)."""

    source_system = models.CharField(max_length=40)
    external_id = models.CharField(max_length=64)
    number = models.CharField(_("entry number"), max_length=30, blank=True)
    entered_on = models.DateField(_("entered on"))
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    complaint = models.ForeignKey(
        "Complaint", models.SET_NULL, null=True, blank=True, related_name="book_entries"
    )
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("book of information records entry")
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="book_entry_external_id_once"
            )
        ]
        indexes = [models.Index(fields=["entered_on"], name="book_entry_entered")]
