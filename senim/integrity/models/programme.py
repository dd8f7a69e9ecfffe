"""The anti-corruption programme: its measures, owners and deadlines (published on the portal)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from senim.core.models import Localized


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")


class ProgrammeMeasure(Localized):
    """A measure of the programme, named in the three languages because it is published."""

    owner_kk = models.CharField(_("owner (Kazakh)"), max_length=200)
    owner_ru = models.CharField(_("owner (Russian)"), max_length=200)
    owner_en = models.CharField(_("owner (English)"), max_length=200)
    due = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("programme measure")
        ordering = ["due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_on__isnull=False)
                | ~Q(status="done") & Q(done_on__isnull=True),
                name="programme_done_has_date",
            )
        ]

    @property
    def owner(self) -> str:
        lang = (get_language() or "kk")[:2]
        return str(getattr(self, f"owner_{lang}", None) or self.owner_en)
