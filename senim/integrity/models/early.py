"""Early intervention: the ranking models trained, the flags raised, the interventions chosen.

A model is stored with its coefficients (not a pickle), its temporal evaluation against the
threshold rules and its fairness audit; only a model that passed the audit is ever active.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from senim.integrity.models.staff import OfficerFile


class ModelStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    BLOCKED = "blocked", _("blocked by the fairness audit")
    RETIRED = "retired", _("retired")


class RiskModel(models.Model):
    trained_at = models.DateTimeField(_("trained"))
    trained_by = models.CharField(max_length=150, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ModelStatus.choices)
    # Feature names, standardisation and coefficients: what scoring needs, readable by anyone.
    parameters = models.JSONField(default=dict)
    evaluation = models.JSONField(default=dict)
    fairness = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(_("training rows"))
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("early-intervention model")
        ordering = ["-trained_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="active"), name="riskmodel_one_active"
            )
        ]


class FlagStatus(models.TextChoices):
    OPEN = "open", _("awaiting a decision")
    DECIDED = "decided", _("intervention chosen")
    CLOSED = "closed", _("closed")


class RiskFlag(models.Model):
    """An officer flagged at a date, by the rules, the model or both, with the reasons."""

    officer = models.ForeignKey(OfficerFile, models.CASCADE, related_name="flags")
    model = models.ForeignKey(
        RiskModel, models.SET_NULL, null=True, blank=True, related_name="flags"
    )
    as_of = models.DateField(_("as of"))
    score = models.FloatField(_("score"), null=True, blank=True)
    percentile = models.FloatField(_("top share"), null=True, blank=True)
    by_rules = models.BooleanField(_("flagged by the rules"), default=False)
    by_model = models.BooleanField(_("flagged by the model"), default=False)
    rules = models.JSONField(default=list)  # the rules that fired, by code
    reasons = models.JSONField(default=list)  # feature, value, peer median, contribution
    status = models.CharField(
        _("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("early-intervention flag")
        ordering = ["-as_of", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "as_of"], name="riskflag_once"),
            models.CheckConstraint(
                condition=Q(by_rules=True) | Q(by_model=True), name="riskflag_has_cause"
            ),
        ]


class InterventionKind(models.TextChoices):
    TALK = "talk", _("talk with the supervisor")
    TRAINING = "training", _("training")
    PSYCHOLOGIST = "psychologist", _("referral to the psychologist")
    ROTATION = "rotation", _("rotation to another post")
    NO_ACTION = "no_action", _("no action")


class Outcome(models.TextChoices):
    PENDING = "pending", _("to be seen")
    IMPROVED = "improved", _("improved")
    NO_CHANGE = "no_change", _("no change")
    WORSENED = "worsened", _("worsened")


class Intervention(models.Model):
    """What the supervisor decided on a flag, and later what came of it. A "no action" with
    "the flag was wrong" is fed back as a negative example when the model is retrained."""

    flag = models.ForeignKey(RiskFlag, models.CASCADE, related_name="interventions")
    kind = models.CharField(_("intervention"), max_length=14, choices=InterventionKind.choices)
    reason = models.TextField(_("why"), max_length=2000)
    flag_was_wrong = models.BooleanField(_("the flag was wrong"), default=False)
    decided_on = models.DateField(_("decided on"))
    decided_by = models.CharField(max_length=150, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_on = models.DateField(_("outcome seen on"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("intervention")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="intervention_has_reason"),
            models.CheckConstraint(
                condition=Q(flag_was_wrong=False) | Q(kind="no_action"),
                name="intervention_wrong_flag_is_no_action",
            ),
        ]
