"""The administrator's edits of the centres' reference data, one transaction each, audit-logged.

Targets (per grade, area and level), grades (names, queue order, in use), the answer terms of
written appeals in working days, and the holiday calendar those terms count around.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.calendar import parse_day
from senim.core.errors import Forbidden, Invalid
from senim.core.models import District, Holiday, Region, User
from senim.core.permissions import Perm, can
from senim.core.text import clean_text
from senim.ops.models import AreaKind, ResponseTarget
from senim.register.models import AnswerTerm, Grade

MAX_TARGET = 30 * 24 * 60


def _int(form: QueryDict, name: str, low: int, high: int) -> int:
    raw = (form.get(name) or "").strip()
    try:
        value = int(raw)
    except ValueError:
        raise Invalid(name, _("is not a whole number")) from None
    if not low <= value <= high:
        raise Invalid(name, _("must be between %(low)d and %(high)d") % {"low": low, "high": high})
    return value


def _log(user: User, action: str, model: str, pk: object, details: dict[str, Any]) -> None:
    audit.record(
        action=action, model=model, object_pk=pk, actor=user.get_username(), details=details
    )


def set_target(*, user: User, form: QueryDict) -> ResponseTarget:
    grade = Grade.objects.filter(code=form.get("grade", "")).first()
    if grade is None:
        raise Invalid("grade", _("Unknown grade."))
    area = form.get("area", "")
    if area not in AreaKind.values:
        raise Invalid("area", _("Choose urban or rural."))
    minutes = _int(form, "minutes", 1, MAX_TARGET)
    region = district = None
    if form.get("district"):
        district = District.objects.filter(code=form["district"]).first()
        if district is None:
            raise Invalid("district", _("Unknown district."))
    elif form.get("region"):
        region = Region.objects.filter(iso=form["region"]).first()
        if region is None:
            raise Invalid("region", _("Unknown region."))
    target, _created = ResponseTarget.objects.update_or_create(
        grade=grade,
        area=area,
        region=region,
        district=district,
        defaults={"minutes": minutes, "updated_by": user.get_username()},
    )
    _log(
        user,
        "target",
        "ops.ResponseTarget",
        target.pk,
        {"grade": grade.code, "area": area, "minutes": minutes},
    )
    return target


def delete_target(*, user: User, form: QueryDict) -> None:
    target = ResponseTarget.objects.filter(pk=_int(form, "target", 1, 2**62)).first()
    if target is None:
        raise Invalid("target", _("No such target."))
    if target.region_id is None and target.district_id is None:
        raise Invalid("target", _("The Centre's own target can be changed but not removed."))
    _log(user, "delete", "ops.ResponseTarget", target.pk, {"grade": target.grade.code})
    target.delete()


def set_grade(*, user: User, form: QueryDict) -> Grade:
    grade = Grade.objects.filter(code=form.get("code", "")).first()
    if grade is None:
        raise Invalid("code", _("Unknown grade."))
    for lang in ("kk", "ru", "en"):
        setattr(
            grade,
            f"name_{lang}",
            clean_text(
                form.get(f"name_{lang}"), field=f"name_{lang}", max_length=100, required=True
            ),
        )
    grade.rank = _int(form, "rank", 1, 99)
    grade.active = form.get("active") == "on"
    if (
        grade.rank != Grade.objects.get(pk=grade.pk).rank
        and Grade.objects.filter(rank=grade.rank).exclude(pk=grade.pk).exists()
    ):
        raise Invalid("rank", _("Another grade already has this place in the queue."))
    grade.save()
    _log(user, "grade", "register.Grade", grade.pk, {"rank": grade.rank, "active": grade.active})
    return grade


def set_term(*, user: User, form: QueryDict) -> AnswerTerm:
    term = AnswerTerm.objects.filter(channel=form.get("channel", "")).first()
    if term is None:
        raise Invalid("channel", _("Unknown channel."))
    term.working_days = _int(form, "working_days", 1, 90)
    term.save(update_fields=["working_days"])
    _log(user, "term", "register.AnswerTerm", term.pk, {"working_days": term.working_days})
    return term


def add_holiday(*, user: User, form: QueryDict) -> Holiday:
    day = parse_day(form.get("day") or "")
    if day is None:
        raise Invalid("day", _("Give the date as YYYY-MM-DD."))
    today = dt.date.today()
    if abs(day.year - today.year) > 5:
        raise Invalid("day", _("The calendar holds days within five years of today."))
    names = {
        f"name_{lang}": clean_text(
            form.get(f"name_{lang}"), field=f"name_{lang}", max_length=200, required=True
        )
        for lang in ("kk", "ru", "en")
    }
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(
                day=day, basis=clean_text(form.get("basis"), field="basis", max_length=300), **names
            )
    except IntegrityError:
        raise Invalid("day", _("This day is already in the calendar.")) from None
    _log(user, "holiday", "core.Holiday", holiday.pk, {"day": day.isoformat()})
    return holiday


def delete_holiday(*, user: User, form: QueryDict) -> None:
    holiday = Holiday.objects.filter(pk=_int(form, "holiday", 1, 2**62)).first()
    if holiday is None:
        raise Invalid("holiday", _("No such day."))
    _log(user, "delete", "core.Holiday", holiday.pk, {"day": holiday.day.isoformat()})
    holiday.delete()


ACTIONS = {
    "set_target": set_target,
    "delete_target": delete_target,
    "set_grade": set_grade,
    "set_term": set_term,
    "add_holiday": add_holiday,
    "delete_holiday": delete_holiday,
}


@transaction.atomic
def apply(*, user: User, form: QueryDict) -> None:
    if not can(user, Perm.REFERENCE):
        raise Forbidden("", _("Only administrators keep the reference data."))
    action = ACTIONS.get(form.get("action", ""))
    if action is None:
        raise Invalid("action", _("Unknown action."))
    action(user=user, form=form)
