"""Prevention in the inspector's sector: the preventive register and domestic-violence risk.

A person on the preventive register is pseudonymised (core Person, linked by IIN hash); the
inspector meets them on a schedule set by their category, and every contact, due or done, is a
row. A domestic-violence risk assessment is recorded item by item against reference items and
levels an administrator keeps (senim/prevention/data/*.csv: Senim's own wording, assumed weights).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Localized, Person, Region, Sector


def _lang() -> str:
    return (get_language() or "kk")[:2]


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


class DvRiskItem(models.Model):
    """One question of the domestic-violence risk checklist, answered yes or no."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    weight = models.PositiveSmallIntegerField(_("weight"))
    text_kk = models.CharField(_("text (Kazakh)"), max_length=300)
    text_ru = models.CharField(_("text (Russian)"), max_length=300)
    text_en = models.CharField(_("text (English)"), max_length=300)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("risk item")

    @property
    def text(self) -> str:
        return getattr(self, f"text_{_lang()}", None) or self.text_en


class DvRiskLevel(Localized):
    """A level of risk and the lowest score that reaches it."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    min_score = models.PositiveSmallIntegerField(_("lowest score"))

    class Meta:
        ordering = ["min_score"]
        verbose_name = _("risk level")


class DvAssessment(models.Model):
    """A domestic-violence risk assessment at an address, after an incident or a visit.

    The score is the sum of the weights of the items answered yes; the computed level follows
    from it; the assessor may raise (never lower) the level with a reason. A high level makes
    the operational centres warn on any new call from the address.
    """

    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="dv_assessments")
    address = models.CharField(_("address"), max_length=300)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    place_key = models.BigIntegerField(db_index=True)
    victim = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="dv_as_victim"
    )
    offender = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="dv_as_offender"
    )
    answers = models.JSONField(_("answers"), default=dict)  # {item code: true/false}
    score = models.PositiveSmallIntegerField(_("score"))
    computed_level = models.ForeignKey(DvRiskLevel, models.PROTECT, related_name="+")
    level = models.ForeignKey(DvRiskLevel, models.PROTECT, related_name="+")
    raised_because = models.TextField(_("why the level was raised"), blank=True, max_length=2000)
    assessed_at = models.DateTimeField(_("assessed at"))
    assessed_by = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        verbose_name = _("domestic-violence risk assessment")
        indexes = [models.Index(fields=["sector", "assessed_at"], name="dv_sector_time")]

    def __str__(self) -> str:
        return f"DV-{self.pk:06d}" if self.pk else "DV-new"
