"""Problem-oriented policing: a problem case through the SARA cycle (seed 001, ch. 4).

Scanning, analysis, response, assessment — each stage with its timestamp and the seed's
checklist questions answered; the incidents from the register that make the problem (suggested,
then confirmed by the inspector); the crime triangle with who controls each side; the tasks of
the response; the verdict of the evaluation of measures, stored with the case.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Region, Sector
from senim.prevention.models.common import _lang
from senim.register.models import Appeal, Offence


class Stage(models.TextChoices):
    SCANNING = "scanning", _("scanning")
    ANALYSIS = "analysis", _("analysis")
    RESPONSE = "response", _("response")
    ASSESSMENT = "assessment", _("assessment")
    CLOSED = "closed", _("closed")


STAGES = [s.value for s in Stage]


class Origin(models.TextChoices):
    HOT_SPOT = "hot_spot", _("a hot spot (Gi*) of the analytics centre")
    REPEAT_PLACE = "repeat_place", _("a repeat place in the register")
    NEAR_REPEAT = "near_repeat", _("near repeats in the register")
    REPEAT_VICTIM = "repeat_victim", _("a repeat victim in the register")
    REPEAT_OFFENDER = "repeat_offender", _("a repeat offender in the register")
    RESIDENTS = "residents", _("residents' concern")
    INSPECTOR = "inspector", _("the inspector's own observation")


class Problem(models.Model):
    title = models.CharField(_("title"), max_length=200)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="problems")
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    radius_m = models.PositiveSmallIntegerField(_("radius, m"))
    origin = models.CharField(_("where it came from"), max_length=20, choices=Origin.choices)
    description = models.TextField(_("the problem"), max_length=4000)
    goal = models.TextField(_("goal"), max_length=2000, blank=True)
    residents_involved = models.BooleanField(_("residents involved"), default=False)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default="scanning")
    scanning_at = models.DateTimeField(_("scanning since"))
    analysis_at = models.DateTimeField(_("analysis since"), null=True, blank=True)
    response_at = models.DateTimeField(_("response since"), null=True, blank=True)
    assessment_at = models.DateTimeField(_("assessment since"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The response's planned last day: no task may fall due after it.
    response_ends_on = models.DateField(_("response ends on"), null=True, blank=True)
    control_district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluation = models.JSONField(_("evaluation"), default=dict, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-scanning_at", "-pk"]
        verbose_name = _("problem case")
        constraints = [
            models.CheckConstraint(
                condition=Q(radius_m__gte=25, radius_m__lte=2000), name="problem_radius"
            ),
        ]
        indexes = [models.Index(fields=["sector", "stage"], name="problem_sector_stage")]

    def __str__(self) -> str:
        return f"SARA-{self.pk:05d}" if self.pk else "SARA-new"

    def stage_at(self, stage: str) -> object:
        return getattr(self, f"{stage}_at")


class LinkReason(models.TextChoices):
    IN_AREA = "in_area", _("in the problem's area")
    MANUAL = "manual", _("added by the inspector")


class ProblemIncident(models.Model):
    """An offence or an appeal of the register that belongs to the problem."""

    problem = models.ForeignKey(Problem, models.CASCADE, related_name="incidents")
    offence = models.ForeignKey(Offence, models.CASCADE, null=True, blank=True, related_name="+")
    appeal = models.ForeignKey(Appeal, models.CASCADE, null=True, blank=True, related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(max_length=10, choices=LinkReason.choices)
    confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(offence__isnull=False, appeal__isnull=True)
                | Q(offence__isnull=True, appeal__isnull=False),
                name="incident_one_record",
            ),
            models.UniqueConstraint(fields=["problem", "offence"], name="incident_offence_once"),
            models.UniqueConstraint(fields=["problem", "appeal"], name="incident_appeal_once"),
        ]

    @property
    def record(self) -> Offence | Appeal:
        record = self.offence or self.appeal
        assert record is not None  # the check constraint holds exactly one
        return record


class ChecklistQuestion(models.Model):
    """A question of the SARA checklist (seed 001), asked at one stage."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_kk = models.CharField(_("text (Kazakh)"), max_length=400)
    text_ru = models.CharField(_("text (Russian)"), max_length=400)
    text_en = models.CharField(_("text (English)"), max_length=400)

    class Meta:
        ordering = ["position"]
        verbose_name = _("checklist question")

    @property
    def text(self) -> str:
        return getattr(self, f"text_{_lang()}", None) or self.text_en


class ChecklistAnswer(models.Model):
    problem = models.ForeignKey(Problem, models.CASCADE, related_name="answers")
    question = models.ForeignKey(ChecklistQuestion, models.PROTECT, related_name="+")
    text = models.TextField(_("answer"), max_length=4000)
    answered_by = models.CharField(max_length=150, blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "question"], name="answer_once")]


class Side(models.TextChoices):
    """The crime triangle's sides, each with who controls it."""

    OFFENDER = "offender", _("offender")
    TARGET = "target", _("target or victim")
    PLACE = "place", _("place")


CONTROLLER = {
    "offender": _("handler (who has influence over the offender)"),
    "target": _("guardian (who protects the target or victim)"),
    "place": _("manager (who is responsible for the place)"),
}


class TriangleSide(models.Model):
    problem = models.ForeignKey(Problem, models.CASCADE, related_name="triangle")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    description = models.TextField(_("description"), max_length=2000)
    controller = models.TextField(_("who controls it"), max_length=1000)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["problem", "side"], name="triangle_once")]


class TaskOwner(models.TextChoices):
    INSPECTOR = "inspector", _("the district inspector")
    POLICE = "police", _("another police service")
    PARTNER = "partner", _("a partner organisation")
    RESIDENTS = "residents", _("residents")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class ProblemTask(models.Model):
    problem = models.ForeignKey(Problem, models.CASCADE, related_name="tasks")
    text = models.CharField(_("task"), max_length=500)
    owner_kind = models.CharField(_("owner"), max_length=10, choices=TaskOwner.choices)
    owner_name = models.CharField(_("owner's name"), max_length=200)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=TaskStatus.choices, default="open")
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
