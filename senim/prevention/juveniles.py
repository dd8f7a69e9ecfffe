"""Juveniles (issue 13 item 8; seed 003, lines 9 and 23): officers assigned to schools, the
programmes the police run with a partner or a school, and the children they reach, counted per
programme, period, age band and sex — never a child's name or identifier.

Rules (assumed where no seed gives them; docs/prevention.md): one officer in force per school at
a time; the officer serves in the school's region (and district, if their unit has one); a
reach period lies within one calendar year and within the programme's term, is not in the
future, and does not overlap another count of the same programme, age band and sex — so the
children "reached in a year" are the sum of the counts of that year's periods, each counted
once. Writes are one transaction each, audited with codes and ids only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import District, Officer, Region, User
from senim.core.permissions import Perm, can
from senim.core.scope import scope_level
from senim.core.text import clean_text
from senim.prevention.models import (
    AgeBand,
    Place,
    Programme,
    ProgrammeKind,
    Reach,
    ReachSex,
    SchoolAssignment,
)
from senim.prevention.models.juveniles import MAX_REACH
from senim.prevention.models.social_map import SCHOOL
from senim.prevention.services import (
    Form,
    _choice,
    _day,
    _require,
    log_write,
    sector_for_write,
    whole,
)
from senim.prevention.social_map import count, places

M = TypeVar("M", bound=Model)
PLAN_AHEAD = dt.timedelta(days=366)  # a programme may be opened up to a year before it starts
LONGEST = dt.timedelta(days=5 * 366)  # and run at most five years


def in_territory(user: User, qs: QuerySet[M]) -> QuerySet[M]:
    """Records with region and district (no sector): an inspector sees their district's."""
    level = scope_level(user)
    if level == "national":
        return qs
    if level == "region":
        return qs.filter(region_id=user.region_id or 0)
    if level in {"district", "sector"}:
        return qs.filter(district_id=user.district_id or 0)
    return qs.none()


def programmes(user: User) -> QuerySet[Programme]:
    return in_territory(
        user, Programme.objects.select_related("kind", "district", "region", "partner", "school")
    )


def schools(user: User) -> QuerySet[Place]:
    return places(user).filter(kind__code=SCHOOL)


def may_see_summary(user: User) -> bool:
    """Analysts and commanders (the thematic results) and the prevention's own users."""
    return can(user, Perm.PREVENTION) or can(user, Perm.RESULTS)


# --- officers assigned to schools -------------------------------------------------------------


def _school_for_write(user: User, pk: int) -> Place:
    school = schools(user).select_for_update(of=("self",)).filter(pk=pk).first()
    if school is None:
        raise NotFound("school", _("No such school in your territory."))
    sector_for_write(user, school.sector.code)
    return school


def assignment_add(
    *, user: User, pk: int, form: Form, now: dt.datetime | None = None
) -> SchoolAssignment:
    """Assign an officer (by badge number) to a school from a day, to a day or open-ended."""
    _require(user)
    today = timezone.localdate(now or timezone.now())
    badge = clean_text(form.get("officer"), field="officer", max_length=20, required=True)
    starts = _day(form, "starts_on", today=today, past_only=False)
    if starts > today + PLAN_AHEAD:
        raise Invalid("starts_on", _("is more than a year ahead"))
    ends = _day(form, "ends_on", today=today, past_only=False) if form.get("ends_on") else None
    if ends is not None and ends < starts:
        raise Invalid("ends_on", _("is before the assignment starts"))
    with transaction.atomic():
        school = _school_for_write(user, pk)
        officer = Officer.objects.select_related("unit").filter(badge_number=badge).first()
        if officer is None:
            raise Invalid("officer", _("No officer has this badge number."))
        unit = officer.unit
        if unit.region_id != school.region_id or (
            unit.district_id is not None and unit.district_id != school.district_id
        ):
            raise Invalid("officer", _("The officer serves in another territory than the school."))
        clash = SchoolAssignment.objects.filter(place=school).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=starts)
        )
        if ends is not None:
            clash = clash.filter(starts_on__lte=ends)
        if clash.exists():
            raise Invalid(
                "starts_on", _("Another officer is assigned to this school in these dates.")
            )
        row = SchoolAssignment.objects.create(
            place=school,
            officer=officer,
            region_id=school.region_id,
            district_id=school.district_id,
            sector_id=school.sector_id,
            starts_on=starts,
            ends_on=ends,
            created_by=user.get_username(),
        )
        log_write(user, "assign", school, {"assignment": row.pk, "officer": officer.pk})
    return row


def assignment_end(
    *, user: User, pk: int, form: Form, now: dt.datetime | None = None
) -> SchoolAssignment:
    """End an open assignment of a school on a day (not before it started)."""
    _require(user)
    today = timezone.localdate(now or timezone.now())
    ends = _day(form, "ends_on", today=today, past_only=False)
    with transaction.atomic():
        school = _school_for_write(user, pk)
        row = (
            SchoolAssignment.objects.select_for_update()
            .filter(place=school, pk=whole(form.get("assignment")), ends_on__isnull=True)
            .first()
        )
        if row is None:
            raise Invalid("assignment", _("No open assignment of this school has this number."))
        if ends < row.starts_on:
            raise Invalid("ends_on", _("is before the assignment starts"))
        row.ends_on = ends
        row.save(update_fields=["ends_on"])
        log_write(user, "assign_end", school, {"assignment": row.pk})
    return row


# --- programmes and their reach ---------------------------------------------------------------


def _district_for_write(user: User, code: str) -> District:
    district = District.objects.select_related("region").filter(code=code.strip()).first()
    if district is None:
        raise Invalid("district", _("Unknown district."))
    level = scope_level(user)
    inside = (
        level == "national"
        or (level == "region" and district.region_id == user.region_id)
        or (level in {"district", "sector"} and district.pk == user.district_id)
    )
    if not inside:
        raise Forbidden("district", _("This district is outside your territory."))
    return district


def programme_open(*, user: User, form: Form, now: dt.datetime | None = None) -> Programme:
    """A programme of a district, run with a partner (of the district or its region) or a
    school of the user's territory, or both."""
    from senim.prevention.partnership import partners

    _require(user)
    today = timezone.localdate(now or timezone.now())
    name = clean_text(form.get("name"), field="name", max_length=300, required=True)
    kind = ProgrammeKind.objects.filter(
        code=str(form.get("kind") or "").strip(), active=True
    ).first()
    if kind is None:
        raise Invalid("kind", _("Unknown kind of programme."))
    district = _district_for_write(user, str(form.get("district") or ""))
    partner = school = None
    if str(form.get("partner") or "").strip():
        partner = (
            partners(user)
            .filter(pk=whole(form.get("partner")), region_id=district.region_id)
            .filter(Q(district__isnull=True) | Q(district=district))
            .first()
        )
        if partner is None:
            raise Invalid("partner", _("Not a partner of this district or its region."))
    if str(form.get("school") or "").strip():
        school = schools(user).filter(pk=whole(form.get("school")), district=district).first()
        if school is None:
            raise Invalid("school", _("Not a school of your territory in this district."))
    if partner is None and school is None:
        raise Invalid("partner", _("Choose the partner or the school the programme runs with."))
    starts = _day(form, "starts_on", today=today, past_only=False)
    if starts > today + PLAN_AHEAD:
        raise Invalid("starts_on", _("is more than a year ahead"))
    ends = _day(form, "ends_on", today=today, past_only=False) if form.get("ends_on") else None
    if ends is not None and ends < starts:
        raise Invalid("ends_on", _("is before the programme starts"))
    if ends is not None and ends - starts > LONGEST:
        raise Invalid("ends_on", _("The programme runs longer than five years."))
    description = clean_text(form.get("description"), field="description", max_length=2000)
    with transaction.atomic():
        programme = Programme.objects.create(
            name=name,
            kind=kind,
            region_id=district.region_id,
            district=district,
            partner=partner,
            school=school,
            starts_on=starts,
            ends_on=ends,
            description=description,
            created_by=user.get_username(),
        )
        log_write(user, "create", programme, {"kind": kind.code, "district": district.code})
    return programme


def reach_record(*, user: User, pk: int, form: Form, now: dt.datetime | None = None) -> Reach:
    """How many children of an age band (and sex, if known) the programme reached in a period."""
    _require(user)
    today = timezone.localdate(now or timezone.now())
    start = _day(form, "period_start", today=today)
    end = _day(form, "period_end", today=today)
    if end < start:
        raise Invalid("period_end", _("is before the period starts"))
    if end.year != start.year:
        raise Invalid("period_end", _("A period lies within one calendar year."))
    band = _choice(form, "age_band", AgeBand)
    sex = str(form.get("sex") or "").strip() or ReachSex.UNKNOWN
    if sex not in ReachSex.values:
        raise Invalid("sex", _("Choose one of the listed values."))
    children = count(form, "children", top=MAX_REACH)
    with transaction.atomic():
        programme = programmes(user).select_for_update(of=("self",)).filter(pk=pk).first()
        if programme is None:
            raise NotFound("", _("No such programme in your territory."))
        if start < programme.starts_on:
            raise Invalid("period_start", _("is before the programme starts"))
        if programme.ends_on is not None and end > programme.ends_on:
            raise Invalid("period_end", _("is after the programme ends"))
        if programme.reach.filter(
            age_band=band, sex=sex, period_start__lte=end, period_end__gte=start
        ).exists():
            raise Invalid(
                "period_start",
                _("The children of this age band and sex are already counted in these dates."),
            )
        row = Reach.objects.create(
            programme=programme,
            region_id=programme.region_id,
            district_id=programme.district_id,
            period_start=start,
            period_end=end,
            age_band=band,
            sex=sex,
            children=children,
            recorded_by=user.get_username(),
        )
        log_write(user, "reach", programme, {"reach": row.pk, "children": children})
    return row


# --- the summary ------------------------------------------------------------------------------


@dataclass
class RegionReach:
    region: Region
    children: int = 0
    programmes: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)  # kind code → children
    by_sex: dict[str, int] = field(default_factory=dict)  # sex code → children


@dataclass
class YearReach:
    year: int
    regions: list[RegionReach]
    kinds: list[ProgrammeKind]

    @property
    def total(self) -> int:
        return sum(r.children for r in self.regions)

    def kind_totals(self) -> list[int]:
        return [sum(r.by_kind.get(k.code, 0) for r in self.regions) for k in self.kinds]


def children_reached(user: User, year: int) -> YearReach:
    """Children reached by programmes in the year's periods, per region of the user's territory
    (the figure seed 003 line 9 reports nationally for 2025)."""
    rows = (
        in_territory(user, Reach.objects.all())
        .filter(period_end__year=year)
        .values("region_id", "programme__kind__code", "sex")
        .annotate(n=Sum("children"))
    )
    by: dict[int, RegionReach] = {}
    regions = {r.pk: r for r in Region.objects.all()}
    for row in rows:
        item = by.setdefault(row["region_id"], RegionReach(regions[row["region_id"]]))
        item.children += row["n"]
        kind = row["programme__kind__code"]
        item.by_kind[kind] = item.by_kind.get(kind, 0) + row["n"]
        item.by_sex[row["sex"]] = item.by_sex.get(row["sex"], 0) + row["n"]
    running: dict[int, set[int]] = {}
    for region_id, programme_id in (
        in_territory(user, Reach.objects.all())
        .filter(period_end__year=year)
        .values_list("region_id", "programme_id")
        .distinct()
    ):
        running.setdefault(region_id, set()).add(programme_id)
    for region_id, ids in running.items():
        by[region_id].programmes = len(ids)
    return YearReach(
        year=year,
        regions=sorted(by.values(), key=lambda r: -r.children),
        kinds=list(ProgrammeKind.objects.all()),
    )


def programme_reach(programme: Programme) -> dict[str, Any]:
    """The programme's children per year, and in all."""
    per_year: dict[int, int] = {}
    for end, n in programme.reach.values_list("period_end", "children"):
        per_year[end.year] = per_year.get(end.year, 0) + n
    return {"per_year": sorted(per_year.items()), "total": sum(per_year.values())}
