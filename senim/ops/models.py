"""Operational management centres: response targets, the units they dispatch, queue alerts.

The calls themselves are the register's appeals (their lifecycle: senim.register.calls); this
app decides the targets, moves the units and watches the clocks.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from senim.core.models import District, Officer, Region
from senim.core.models import Unit as OrgUnit


class AreaKind(models.TextChoices):
    URBAN = "urban", _("urban")
    RURAL = "rural", _("rural")


class ResponseTarget(models.Model):
    """Minutes from receipt within which a grade's call is attended (or, without a unit, closed).

    A row with neither region nor district is the Centre's target; an oblast or a district may
    set its own, and the most local row wins (senim.ops.targets).
    """

    grade = models.ForeignKey("register.Grade", models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, models.CASCADE, null=True, blank=True, related_name="+")
    district = models.ForeignKey(District, models.CASCADE, null=True, blank=True, related_name="+")
    area = models.CharField(_("area"), max_length=8, choices=AreaKind.choices)
    minutes = models.PositiveIntegerField(
        _("target, minutes"), validators=[MinValueValidator(1), MaxValueValidator(30 * 24 * 60)]
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("response target")
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "region", "district", "area"],
                name="response_target_once",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1) & models.Q(minutes__lte=30 * 24 * 60),
                name="response_target_minutes_range",
            ),
        ]


class UnitKind(models.TextChoices):
    PATROL_CAR = "patrol_car", _("patrol car")
    FOOT_PATROL = "foot_patrol", _("foot patrol")
    POLICE_POINT = "police_point", _("district police point")
    MODULAR_POST = "modular_post", _("modular police post")


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("available")
    DISPATCHED = "dispatched", pgettext_lazy("unit status", "dispatched")
    EN_ROUTE = "en_route", _("en route")
    ON_SCENE = "on_scene", _("on scene")
    BUSY = "busy", _("busy")
    OFF_DUTY = "off_duty", _("off duty")


# A unit's own state machine. While it carries a call (dispatched / en route / on scene) its
# status is the call's status, and only the call's steps move it (senim.ops.services).
UNIT_TRANSITIONS: dict[str, frozenset[str]] = {
    "off_duty": frozenset({"available"}),
    "available": frozenset({"dispatched", "busy", "off_duty"}),
    "busy": frozenset({"available", "off_duty"}),
    "dispatched": frozenset({"en_route", "on_scene", "available"}),
    "en_route": frozenset({"on_scene", "available"}),
    "on_scene": frozenset({"available"}),
}
ON_CALL = frozenset({"dispatched", "en_route", "on_scene"})


class PatrolUnit(models.Model):
    """A unit a duty officer can send: a patrol crew, a district police point, a modular post."""

    call_sign = models.CharField(_("call sign"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, related_name="+")
    home = models.ForeignKey(
        OrgUnit,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.OFF_DUTY
    )
    status_since = models.DateTimeField(_("since"))
    # The call it is on; set exactly while the status is dispatched, en route or on scene.
    appeal = models.OneToOneField(
        "register.Appeal",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="unit",
        db_constraint=False,
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    position_at = models.DateTimeField(_("position time"))
    # The senior officer of the crew on this shift, named when the unit comes on duty (an
    # officer of the unit's region); copied onto every event, so calls count for who handled
    # them (the early-intervention features of the integrity app).
    crew_lead = models.ForeignKey(
        Officer,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("senior officer of the crew"),
    )

    class Meta:
        ordering = ["call_sign"]
        verbose_name = _("patrol unit")
        indexes = [models.Index(fields=["district", "status"], name="unit_district_status")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status__in=sorted(ON_CALL), appeal__isnull=False)
                    | (~models.Q(status__in=sorted(ON_CALL)) & models.Q(appeal__isnull=True))
                ),
                name="unit_call_matches_status",
            ),
            models.CheckConstraint(
                condition=models.Q(lat__gte=40.0, lat__lte=56.0, lon__gte=46.0, lon__lte=88.0),
                name="unit_position_in_kazakhstan",
            ),
        ]

    def __str__(self) -> str:
        return self.call_sign


class UnitEvent(models.Model):
    """One change of a unit's status, append-only."""

    unit = models.ForeignKey(PatrolUnit, models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.CharField(max_length=150, blank=True)
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    appeal = models.ForeignKey(
        "register.Appeal",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    reason = models.CharField(max_length=500, blank=True)
    officer = models.ForeignKey(Officer, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["unit", "at", "id"]

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("Unit events are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class AlertStage(models.TextChoices):
    WARNING = "warning", _("target nearly reached")
    BREACH = "breach", _("target missed")


class CallAlert(models.Model):
    """A call whose clock crossed a threshold: made once per call and stage, then claimed and sent.

    `senim queue_alerts` first inserts the rows (the unique key makes a second run a no-op), then
    claims each unsent one with a compare-and-swap UPDATE (sent_at from NULL to now), the way
    healthchecks' `sendalerts` claims its flips, so two workers never send the same alert.
    """

    appeal = models.ForeignKey(
        "register.Appeal", models.CASCADE, related_name="+", db_constraint=False
    )
    stage = models.CharField(_("stage"), max_length=8, choices=AlertStage.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="+")
    threshold_at = models.DateTimeField(_("threshold"))
    created_at = models.DateTimeField(_("raised"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients = models.JSONField(default=list)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("queue alert")
        constraints = [models.UniqueConstraint(fields=["appeal", "stage"], name="call_alert_once")]
        indexes = [models.Index(fields=["region", "district", "-created_at"], name="alert_recent")]
