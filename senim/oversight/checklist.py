"""What monitors check on a visit (seed 004 §5-§6: the problems NPM participants and the
Ombudsman's representatives report), with the rule that turns a measured value into a verdict.

A numeric item decides its own result: 2.1 m² of living space per person is a violation of the
2.5 m² norm whatever the monitor ticked, so a record cannot say "compliant" against its figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LIVING_SPACE_NORM_M2 = Decimal("2.5")  # per person (seed 004 §5: «бір адамға 2,5 ш.м.»)


class Item(models.TextChoices):
    LIVING_SPACE = "living_space", _("Living space per person (norm 2.5 m²)")
    FOOD = "food", _("Food")
    MEDICAL_CARE = "medical_care", _("Medical care")
    TERMINALS = "terminals", _("Complaint terminals and payphones working")
    CAMERAS = "cameras", _("Video surveillance cameras")
    SANITATION = "sanitation", _("Sanitation and hot water")
    ACCESSIBILITY = "accessibility", _("Access for people with disabilities")
    WORK_EDUCATION = "work_education", _("Work and education")
    MEDICINES = "medicines", _("Shelf life of medicines")
    STAFF_VIOLENCE = "staff_violence", _("Violence by staff")
    FEMALE_STAFF = "female_staff", _("Female staff")
    FOREIGNERS = "foreigners", _("Documents of foreigners and stateless persons")
    DISCIPLINE = "discipline", _("Disciplinary measures and their medical certificates")


class Result(models.TextChoices):
    COMPLIANT = "compliant", _("compliant")
    VIOLATION = "violation", _("violation")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    NOT_CHECKED = "not_checked", _("not checked")


@dataclass(frozen=True)
class Measure:
    """The figure an item may carry, and when that figure is a violation."""

    label: Promise
    below: Decimal | None = None  # a value under this is a violation
    above: Decimal | None = None  # a value over this is a violation

    def violated(self, value: Decimal) -> bool:
        if self.below is not None and value < self.below:
            return True
        return self.above is not None and value > self.above


MEASURES: dict[str, Measure] = {
    Item.LIVING_SPACE: Measure(_("m² per person"), below=LIVING_SPACE_NORM_M2),
    Item.TERMINALS: Measure(_("terminals or payphones not working"), above=Decimal(0)),
    Item.CAMERAS: Measure(_("cameras missing or not working"), above=Decimal(0)),
    Item.MEDICINES: Measure(_("medicines past their shelf life"), above=Decimal(0)),
    Item.FOREIGNERS: Measure(
        _("foreigners or stateless persons without documents"), above=Decimal(0)
    ),
    Item.DISCIPLINE: Measure(
        _("disciplinary measures without a medical certificate"), above=Decimal(0)
    ),
}


def decide(item: str, result: str, value: Decimal | None) -> str:
    """The result to store; raises ValueError when the monitor's tick contradicts the figure."""
    measure = MEASURES.get(item)
    if value is None or measure is None:
        return result or Result.NOT_CHECKED
    verdict = Result.VIOLATION if measure.violated(value) else Result.COMPLIANT
    if result and result not in {verdict, Result.NOT_CHECKED}:
        raise ValueError(
            _("%(value)s %(unit)s means %(verdict)s, not %(result)s.")
            % {
                "value": value,
                "unit": measure.label,
                "verdict": Result(verdict).label,
                "result": Result(result).label,
            }
        )
    return verdict
