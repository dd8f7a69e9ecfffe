"""The preventive register: categories, people under supervision and the contacts owed."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Localized, Person, Region, Sector
from senim.prevention.models.common import _lang


class PreventiveCategory(Localized):
    """A legal category of the preventive register, with the law it rests on."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    basis_kk = models.CharField(_("basis (Kazakh)"), max_length=300)
    basis_ru = models.CharField(_("basis (Russian)"), max_length=300)
    basis_en = models.CharField(_("basis (English)"), max_length=300)
    # How often the inspector must meet the person: reference data, assumed (docs/prevention.md).
    contact_every_days = models.PositiveSmallIntegerField(_("contact every (days)"))
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("preventive register category")
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_every_days__gte=1, contact_every_days__lte=365),
                name="prevention_category_contact_days",
            )
        ]

    @property
    def basis(self) -> str:
        return getattr(self, f"basis_{_lang()}", None) or self.basis_en


class SupervisionStatus(models.TextChoices):
    ACTIVE = "active", _("under supervision")
    ENDED = "ended", _("taken off the register")


class EndReason(models.TextChoices):
    TERM_EXPIRED = "term_expired", _("the term expired")
    LIFTED = "lifted", _("lifted early by decision")
    MOVED = "moved", _("moved out of the sector")
    CONVICTED = "convicted", _("sentenced to imprisonment")
    DIED = "died", _("died")


class Supervision(models.Model):
    """A person on the preventive register of a sector, in one category, for a term."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="supervisions")
    category = models.ForeignKey(PreventiveCategory, models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="supervisions")
    basis = models.CharField(_("decision (number and date)"), max_length=200)
    started_on = models.DateField(_("on the register since"))
    ends_on = models.DateField(_("term ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=SupervisionStatus.choices, default="active"
    )
    ended_on = models.DateField(_("taken off on"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=20, choices=EndReason.choices, blank=True)
    # Where the person lives: personal data, shown only to roles that see persons.
    address = models.CharField(_("address"), max_length=300)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    place_key = models.BigIntegerField(db_index=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("person on the preventive register")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("started_on")), name="supervision_term_forward"
            ),
            models.CheckConstraint(
                condition=Q(status="active", ended_on__isnull=True)
                | Q(status="ended", ended_on__isnull=False),
                name="supervision_end_agrees",
            ),
            # One open supervision per person and category.
            models.UniqueConstraint(
                fields=["person", "category"],
                condition=Q(status="active"),
                name="supervision_active_once",
            ),
        ]
        indexes = [models.Index(fields=["sector", "status"], name="supervision_sector")]

    def __str__(self) -> str:
        return f"PR-{self.pk:06d}" if self.pk else "PR-new"


class ContactKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("visit at home")
    SUMMONS = "summons", _("interview at the police point")
    PHONE = "phone", _("phone call")


class ContactOutcome(models.TextChoices):
    MET = "met", _("met, no violation")
    NOT_FOUND = "not_found", _("not found at the address")
    VIOLATION = "violation", _("a violation of the conditions found")
    REFUSED = "refused", _("refused to talk")


class Contact(models.Model):
    """A contact the inspector owes: due on a day, then done with its outcome."""

    supervision = models.ForeignKey(Supervision, models.CASCADE, related_name="contacts")
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ContactKind.choices, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=ContactOutcome.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("contact")
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, outcome="")
                | Q(done_at__isnull=False) & ~Q(outcome="") & ~Q(kind=""),
                name="contact_done_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["due_on"], name="contact_due", condition=Q(done_at=None))]
