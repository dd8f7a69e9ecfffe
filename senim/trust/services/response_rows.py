"""Checking a file of survey responses, row by row, before anything is stored.

Columns: respondent_id, region (ISO 3166-2), district (optional code), sex (M/F), settlement
(urban/rural), age (18–110) or age_band, then one column per item code of the questionnaire.
Single-choice and Likert cells hold an option code, multiple-choice cells option codes joined
by ";", numeric cells a number; an empty cell is no answer. Every error is collected with its
row and column, so one upload tells the whole story.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from senim.core.models import District, Region
from senim.trust.errors import FileRejected, RowError
from senim.trust.models import AgeBand, Answer, ItemKind, Respondent, Settlement, Sex, Survey
from senim.trust.readers import MAX_CELL_CHARS, Row

REQUIRED = ("respondent_id", "region", "sex", "settlement")
KNOWN = {*REQUIRED, "district", "age", "age_band"}
MAX_ERRORS = 200


@dataclass
class Checked:
    respondents: list[Respondent]
    answers: list[list[Answer]]


def age_band(age: int) -> str:
    if age < 30:
        return AgeBand.A18_29
    if age < 45:
        return AgeBand.A30_44
    if age < 60:
        return AgeBand.A45_59
    return AgeBand.A60


def check_rows(*, survey: Survey, header: list[str], rows: list[tuple[int, Row]]) -> Checked:
    items = {i.code: i for i in survey.questionnaire.items.prefetch_related("options")}
    options = {code: {o.code: o for o in i.options.all()} for code, i in items.items()}
    errors: list[RowError] = []
    missing = [c for c in REQUIRED if c not in header]
    if "age" not in header and "age_band" not in header:
        missing.append("age")
    for column in missing:
        errors.append(RowError(1, column, _("the required column is missing")))
    for column in header:
        if column not in KNOWN and column not in items:
            errors.append(
                RowError(1, column, _("unknown item code: not in questionnaire %(code)s")
                         % {"code": survey.questionnaire.code})
            )  # fmt: skip
    if errors:
        raise FileRejected(errors)
    if not rows:
        raise FileRejected([RowError(2, "", _("the file has a header but no responses"))])

    regions = dict(Region.objects.values_list("iso", "pk"))
    districts = {code: (pk, region) for code, pk, region in
                 District.objects.values_list("code", "pk", "region_id")}  # fmt: skip
    taken = set(Respondent.objects.filter(survey=survey).values_list("external_id", flat=True))
    seen: set[str] = set()
    out = Checked([], [])

    for number, row in rows:

        def fail(column: str, message: str, number: int = number) -> None:
            errors.append(RowError(number, column, message))

        before = len(errors)
        for column, value in row.items():
            if len(value) > MAX_CELL_CHARS:
                fail(column, _("the value is longer than %(n)d characters") % {"n": MAX_CELL_CHARS})
        if len(errors) > before:
            continue
        rid = row.get("respondent_id", "")
        if not rid:
            fail("respondent_id", _("is required"))
        elif len(rid) > 60:
            fail("respondent_id", _("is longer than 60 characters"))
        elif rid in seen:
            fail("respondent_id", _("appears twice in the file"))
        elif rid in taken:
            fail("respondent_id", _("is already loaded in this survey"))
        seen.add(rid)
        region_id = regions.get(row.get("region", "").upper())
        if region_id is None:
            fail("region", _("unknown region code %(code)s") % {"code": row.get("region", "")})
        district_id = None
        if row.get("district"):
            found = districts.get(row["district"])
            if found is None:
                fail("district", _("unknown district code %(code)s") % {"code": row["district"]})
            elif region_id is not None and found[1] != region_id:
                fail("district", _("the district is not in the region"))
            else:
                district_id = found[0]
        sex = row.get("sex", "").upper()
        if sex not in Sex.values:
            fail("sex", _("must be M or F"))
        settlement = row.get("settlement", "").lower()
        if settlement not in Settlement.values:
            fail("settlement", _("must be urban or rural"))
        band = row.get("age_band", "")
        if row.get("age"):
            try:
                age = int(row["age"])
            except ValueError:
                age = -1
            if not 18 <= age <= 110:
                fail("age", _("must be a whole number from 18 to 110"))
            else:
                band = age_band(age)
        elif band not in AgeBand.values:
            fail("age_band", _("must be one of %(values)s") % {"values": ", ".join(AgeBand.values)})

        answers: list[Answer] = []
        picked: dict[str, set[str]] = {}
        for code, item in items.items():
            raw = row.get(code, "")
            if not raw:
                continue
            if item.kind == ItemKind.NUMERIC:
                try:
                    number_value = float(raw.replace(",", "."))
                except ValueError:
                    fail(code, _("is not a number"))
                    continue
                low, high = item.min_value, item.max_value
                if (low is not None and number_value < low) or (
                    high is not None and number_value > high
                ):
                    fail(code, _("must lie between %(low)s and %(high)s")
                         % {"low": f"{low:g}", "high": f"{high:g}"})  # fmt: skip
                    continue
                answers.append(Answer(item=item, number=number_value))
                continue
            codes = [c.strip() for c in raw.split(";") if c.strip()]
            if item.kind != ItemKind.MULTIPLE and len(codes) > 1:
                fail(code, _("takes one answer only"))
                continue
            bad = [c for c in codes if c not in options[code]]
            if bad:
                fail(code, _("unknown answer code %(code)s") % {"code": bad[0]})
                continue
            if len(set(codes)) != len(codes):
                fail(code, _("the same answer is given twice"))
                continue
            picked[code] = set(codes)
            answers.extend(Answer(item=item, option=options[code][c]) for c in codes)
        for code in picked:
            item = items[code]
            if item.asked_if_item:
                condition = picked.get(item.asked_if_item, set())
                if not condition & set(item.asked_if_options):
                    fail(code, _("is asked only when %(item)s is one of %(values)s")
                         % {"item": item.asked_if_item, "values": ", ".join(item.asked_if_options)})  # fmt: skip
        if len(errors) > before or region_id is None:
            if len(errors) >= MAX_ERRORS:
                break
            continue
        out.respondents.append(
            Respondent(
                survey=survey,
                external_id=rid,
                region_id=region_id,
                district_id=district_id,
                sex=sex,
                settlement=settlement,
                age_band=band,
            )
        )
        out.answers.append(answers)
    if errors:
        raise FileRejected(errors[:MAX_ERRORS])
    return out
