"""What became of a criminal case and of a search: dated steps, damage and its repayment.

A case's lifecycle is a table of steps (CaseStep), one row per step with its date and the unit
or district that took it, rather than dated columns on the offence: a case can be suspended and
solved years later (seed 003's "crimes of earlier years solved" counts exactly those), each step
has its own author, and the offence table, which bulk loads COPY by the million, stays as lean
as it is. The database holds what one row can say (a step is one of the kinds, happens once per
case, a solved step names who solved it, amounts are not negative, an outcome is not dated
before the search began); what needs other rows (the order of steps, a date not before the
registration, repayments not above the damage) is checked by senim.register.outcomes, the one
writer used alike by the form, the API, the ingest and the demo.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Region, Unit
from senim.register.models import Appeal, Offence


class StepKind(models.TextChoices):
    SUSPENDED = "suspended", _("suspended")
    SOLVED = "solved", _("solved")
    TERMINATED = "terminated", _("terminated")
    SENT_TO_COURT = "sent_to_court", _("sent to court")


# From the case's current state ("registered" before any step) to the steps it may take next.
# Suspension (offender not identified) ends when the case is solved or terminated; solved
# cases go to court or are terminated (e.g. reconciliation); the last two are final.
CASE_STEP_TRANSITIONS: dict[str, frozenset[str]] = {
    "registered": frozenset({"suspended", "solved", "terminated"}),
    "suspended": frozenset({"solved", "terminated"}),
    "solved": frozenset({"sent_to_court", "terminated"}),
    "terminated": frozenset(),
    "sent_to_court": frozenset(),
}


class CaseStep(models.Model):
    offence = models.ForeignKey(Offence, models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=16, choices=StepKind.choices)
    on = models.DateField(_("date"))
    # Who took the step: the unit, or only its district when the source does not say the unit.
    unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    source_system = models.CharField(_("source system"), max_length=40)
    actor = models.CharField(_("by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["offence", "on", "id"]
        verbose_name = _("case step")
        constraints = [
            models.UniqueConstraint(fields=["offence", "step"], name="case_step_once"),
            models.CheckConstraint(condition=Q(step__in=StepKind.values), name="case_step_kind"),
            models.CheckConstraint(
                condition=~Q(step="solved") | Q(unit__isnull=False) | Q(district__isnull=False),
                name="case_step_solved_by",
            ),
        ]
        indexes = [models.Index(fields=["step", "on"], name="case_step_on")]


class Damage(models.Model):
    """The material damage of an offence, in tenge, as assessed in the case."""

    offence = models.OneToOneField(Offence, models.CASCADE, primary_key=True, related_name="damage")
    amount = models.DecimalField(_("damage, tenge"), max_digits=16, decimal_places=2)
    assessed_on = models.DateField(_("assessed"))
    source_system = models.CharField(_("source system"), max_length=40)

    class Meta:
        verbose_name = _("damage")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="damage_not_negative"),
        ]


class Repayment(models.Model):
    """Damage repaid to the victims on one day (the sum of a case's never exceeds its damage)."""

    offence = models.ForeignKey(Offence, models.CASCADE, related_name="repayments")
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("repaid, tenge"), max_digits=16, decimal_places=2)
    source_system = models.CharField(_("source system"), max_length=40)
    actor = models.CharField(_("by"), max_length=150, blank=True)

    class Meta:
        ordering = ["offence", "on"]
        verbose_name = _("repayment")
        constraints = [
            # One total per case and day: a re-sent file row is the same repayment, not a new one.
            models.UniqueConstraint(fields=["offence", "on"], name="repayment_once_a_day"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_positive"),
        ]
        indexes = [models.Index(fields=["on"], name="repayment_on")]


class SearchKind(models.TextChoices):
    MISSING = "missing", _("missing person")
    WANTED = "wanted", _("wanted person")


class SearchOutcome(models.TextChoices):
    OPEN = "", _("still searched for")
    FOUND = "found", _("found")
    CAUGHT = "caught", _("caught")


class PersonSearch(models.Model):
    """A search for a missing person (usually opened on an appeal) or for a wanted one (a
    suspect or convict who fled), and its outcome. No person is named here: the search is
    counted, the person stays in the case file."""

    kind = models.CharField(_("kind"), max_length=8, choices=SearchKind.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="+")
    opened_on = models.DateField(_("search opened"))
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=SearchOutcome.choices, blank=True
    )
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    appeal = models.ForeignKey(
        Appeal, models.SET_NULL, null=True, blank=True, related_name="searches"
    )
    offence = models.ForeignKey(
        Offence, models.SET_NULL, null=True, blank=True, related_name="searches"
    )
    source_system = models.CharField(_("source system"), max_length=40)
    external_id = models.CharField(_("identifier in the source system"), max_length=64)

    class Meta:
        verbose_name = _("search for a person")
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="search_source_key"
            ),
            # Missing people are found, wanted ones caught; an outcome has a date, not before
            # the search began, and an open search has none.
            models.CheckConstraint(
                condition=Q(outcome="", outcome_on__isnull=True)
                | Q(kind="missing", outcome="found", outcome_on__gte=F("opened_on"))
                | Q(kind="wanted", outcome="caught", outcome_on__gte=F("opened_on")),
                name="search_outcome_fits",
            ),
        ]
        indexes = [models.Index(fields=["kind", "outcome_on"], name="search_outcome_on")]
