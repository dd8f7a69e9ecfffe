"""The custody register and the table of alerts already sent."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Facility, Officer, Person, Region
from senim.safeguards import rules


class CustodyRecord(models.Model):
    """One detention in police custody, from the actual detention to a court order or release.

    The person is pseudonymised (core Person, linked by IIN hash); whether they were a minor is
    fixed at the moment of detention, because that decides the limit (24 h instead of 48 h).
    Region and district are copied from the facility so territorial scopes can filter directly.
    """

    source_system = models.CharField(_("source system"), max_length=40)
    external_id = models.CharField(_("external id"), max_length=64)
    person = models.ForeignKey(Person, models.PROTECT, related_name="custody_records")
    is_minor = models.BooleanField(_("minor at detention"))
    facility = models.ForeignKey(Facility, models.PROTECT, related_name="custody_records")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="+")
    detained_at = models.DateTimeField(_("actual detention time"))
    recorded_at = models.DateTimeField(_("record drawn up"))
    prosecutor_notified_at = models.DateTimeField(_("prosecutor notified"), null=True, blank=True)
    prosecutor_notice_in_writing = models.BooleanField(_("notified in writing"), default=False)
    court_order_at = models.DateTimeField(_("court order"), null=True, blank=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    rights_explained_at = models.DateTimeField(_("rights explained"), null=True, blank=True)
    lawyer_present = models.BooleanField(_("lawyer present"), default=False)
    family_notified_at = models.DateTimeField(_("family notified"), null=True, blank=True)
    medical_exam_at = models.DateTimeField(
        _("admission medical examination"), null=True, blank=True
    )
    injuries_recorded = models.BooleanField(_("injuries recorded"), default=False)
    injuries_note = models.TextField(_("injuries"), blank=True)
    # The legal grounds stated in the detention record (CPC Art. 128), as written there.
    grounds = models.CharField(_("grounds for detention"), max_length=500, blank=True)
    # The officer who detained the person and drew up the record, when named: an officer of the
    # record's region (services.custody refuses another region's). Physical force or special
    # means used at the detention (Law on the internal affairs bodies: reported to the superior).
    officer = models.ForeignKey(
        Officer,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("detaining officer"),
    )
    force_used = models.BooleanField(_("physical force or special means used"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("custody record")
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="custody_external_id_once"
            ),
            # The rule also holds in the database, whoever writes.
            models.CheckConstraint(
                condition=Q(detained_at__lte=F("recorded_at")),
                name="custody_detained_before_record",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "detained_at"], name="custody_region_time"),
            models.Index(
                fields=["detained_at"],
                name="custody_open",
                condition=Q(court_order_at__isnull=True, released_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_system}:{self.external_id}"

    def times(self) -> dict[str, dt.datetime | None]:
        return {f: getattr(self, f) for f in rules.TIME_FIELDS}

    @property
    def custody_clock(self) -> rules.Clock:
        return rules.custody_clock(
            detained_at=self.detained_at,
            minor=self.is_minor,
            court_order_at=self.court_order_at,
            released_at=self.released_at,
        )

    @property
    def prosecutor_clock(self) -> rules.Clock:
        return rules.prosecutor_clock(
            recorded_at=self.recorded_at,
            notified_at=self.prosecutor_notified_at,
            in_writing=self.prosecutor_notice_in_writing,
        )

    @property
    def is_open(self) -> bool:
        return self.court_order_at is None and self.released_at is None


class AlertKind(models.TextChoices):
    # xgettext:no-python-format
    CUSTODY_WARNING = "custody_warning", _("75 % of the custody limit")
    CUSTODY_BREACH = "custody_breach", _("custody limit breached")
    # xgettext:no-python-format
    PROSECUTOR_WARNING = "prosecutor_warning", _("75 % of the time to notify the prosecutor")
    PROSECUTOR_BREACH = "prosecutor_breach", _("prosecutor not notified within 12 hours")
    TERMINAL_OUTAGE = "terminal_outage", _("terminal out of order")


class SentAlert(models.Model):
    """An alert that `senim alerts` has sent; the unique keys make the command idempotent.

    A custody alert is sent once per record and kind; a terminal alert once per outage (a
    terminal that recovers and fails again is a new outage, `since` its last heartbeat).
    """

    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    custody = models.ForeignKey(
        CustodyRecord, models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    terminal = models.ForeignKey(
        "safeguards.Terminal", models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    since = models.DateTimeField(null=True, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True, related_name="+")
    due_at = models.DateTimeField(_("threshold"))
    sent_at = models.DateTimeField(_("sent"))
    recipients = models.JSONField(default=list)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("alert")
        constraints = [
            models.UniqueConstraint(
                fields=["custody", "kind"],
                condition=Q(custody__isnull=False),
                name="alert_once_per_custody_kind",
            ),
            models.UniqueConstraint(
                fields=["terminal", "kind", "since"],
                condition=Q(terminal__isnull=False),
                name="alert_once_per_outage",
            ),
        ]


class DemoFacility(models.Model):
    """A facility the safeguards demo had to add because the territory had none of a kind."""

    facility = models.OneToOneField(Facility, models.CASCADE, related_name="+")
