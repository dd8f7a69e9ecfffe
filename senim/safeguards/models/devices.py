"""Complaint terminals and payphones, cameras and the tamper-evident video-evidence ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from senim.core.models import Facility, Officer, Region


class TerminalKind(models.TextChoices):
    COMPLAINT_TERMINAL = "complaint_terminal", _("complaint terminal")
    PAYPHONE = "payphone", _("payphone")


class Terminal(models.Model):
    """A complaint terminal or payphone at a facility; it reports a heartbeat with its token."""

    facility = models.ForeignKey(Facility, models.PROTECT, related_name="terminals")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=TerminalKind.choices)
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    installed_on = models.DateField(_("installed"), null=True, blank=True)
    active = models.BooleanField(_("in service"), default=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)

    class Meta:
        ordering = ["serial"]
        verbose_name = _("terminal")

    def __str__(self) -> str:
        return self.serial


class VisitingBody(models.TextChoices):
    """Whose monitoring visit found a device out of order (blank: the heartbeat watch or the
    facility's own report). Seed 004 §5: visits found 143 terminals out of order by November."""

    NONE = "", _("heartbeat or report")
    NPM = "npm", _("an NPM group's visit")
    OMBUDSMAN = "ombudsman", _("the Ombudsman's visit")
    REPRESENTATIVE = "representative", _("a regional representative's visit")


class TerminalOutage(models.Model):
    """A period without heartbeats: from the last one heard until the next one."""

    terminal = models.ForeignKey(Terminal, models.CASCADE, related_name="outages")
    region = models.ForeignKey(Region, models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("silent since"))
    detected_at = models.DateTimeField(_("detected"))
    ended_at = models.DateTimeField(_("back in order"), null=True, blank=True)
    found_by = models.CharField(
        _("found by"), max_length=16, choices=VisitingBody.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["terminal"], condition=Q(ended_at__isnull=True), name="one_open_outage"
            )
        ]


class CameraKind(models.TextChoices):
    FIXED = "fixed", _("fixed camera")
    BODY = "body", _("body camera")


class Camera(models.Model):
    facility = models.ForeignKey(Facility, models.PROTECT, related_name="cameras")
    code = models.CharField(_("camera"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=CameraKind.choices)
    officer = models.ForeignKey(Officer, models.PROTECT, null=True, blank=True, related_name="+")
    installed_at = models.DateTimeField(_("installed"))
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class LedgerMixin(models.Model):
    """A row mirrored into the hash-chained ledger: `ledger_seq` is its entry."""

    ledger_seq = models.BigIntegerField(unique=True, null=True, blank=True)

    class Meta:
        abstract = True

    def ledger_payload(self) -> dict[str, Any]:  # pragma: no cover - every subclass defines it
        raise NotImplementedError


def _iso(value: Any) -> str | None:
    # UTC, so that the payload is the same before and after a round trip through the database.
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


class Recording(LedgerMixin):
    """A stored piece of footage: which camera, which time window, where, and its SHA-256."""

    camera = models.ForeignKey(Camera, models.PROTECT, related_name="recordings")
    facility = models.ForeignKey(Facility, models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    sha256 = models.CharField(_("content hash (SHA-256)"), max_length=64)
    storage = models.CharField(_("storage place"), max_length=500)
    size_bytes = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["camera", "starts_at"], name="recording_camera_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="recording_has_duration"
            )
        ]

    def ledger_payload(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "camera": self.camera.code,
            "facility": self.facility_id,
            "starts_at": _iso(self.starts_at),
            "ends_at": _iso(self.ends_at),
            "sha256": self.sha256,
            "storage": self.storage,
            "size_bytes": self.size_bytes,
        }


class RetrievalRequest(LedgerMixin):
    """A request for the footage of an incident window, with what was found and what was not."""

    source_system = models.CharField(max_length=40, default="api")
    facility = models.ForeignKey(Facility, models.PROTECT, related_name="+")
    window_start = models.DateTimeField(_("from"))
    window_end = models.DateTimeField(_("to"))
    reason = models.CharField(_("reason"), max_length=500)
    complaint = models.ForeignKey(
        "safeguards.Complaint", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.CharField(max_length=150)
    requested_at = models.DateTimeField()
    footage_missing = models.BooleanField(_("footage missing"), default=False)
    found = models.JSONField(default=list)  # recording ids
    missing = models.JSONField(default=list)  # [{"camera", "from", "to"}]
    switched_off = models.JSONField(default=list)  # body cameras off during the window

    class Meta:
        ordering = ["-requested_at"]

    def ledger_payload(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "facility": self.facility_id,
            "window_start": _iso(self.window_start),
            "window_end": _iso(self.window_end),
            "reason": self.reason,
            "complaint": self.complaint_id,
            "requested_by": self.requested_by,
            "requested_at": _iso(self.requested_at),
            "footage_missing": self.footage_missing,
            "found": self.found,
            "missing": self.missing,
            "switched_off": self.switched_off,
        }


class BodycamEventKind(models.TextChoices):
    SWITCHED_OFF = "switched_off", _("switched off")
    SWITCHED_ON = "switched_on", _("switched on")


class BodycamEvent(LedgerMixin):
    """A body camera switched off (or on again) during duty (seed 004 §4: checked daily)."""

    camera = models.ForeignKey(Camera, models.PROTECT, related_name="events")
    officer = models.ForeignKey(Officer, models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("event"), max_length=16, choices=BodycamEventKind.choices)
    at = models.DateTimeField(_("time"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["camera", "at"], name="bodycam_camera_time")]

    def ledger_payload(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "camera": self.camera.code,
            "officer": self.officer_id,
            "kind": self.kind,
            "at": _iso(self.at),
            "reason": self.reason,
        }


class LedgerEntry(models.Model):
    """One link of the video-evidence ledger: its hash covers its fields and the previous hash.

    Kinds: "recording", "retrieval", "bodycam" mirror a row (object_pk) whose content is the
    payload; "access" records who opened which recording, and why.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150, blank=True)
    kind = models.CharField(max_length=12)
    object_pk = models.CharField(max_length=32, blank=True)
    payload = models.JSONField(default=dict)
    demo = models.BooleanField(default=False)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The video-evidence ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The video-evidence ledger is append-only.")
