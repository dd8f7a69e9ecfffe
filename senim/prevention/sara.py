"""Problem cases through the SARA cycle: suggestions from the register, the case's writes, and
its assessment by the analytics centre's evaluation of measures (one implementation).

Every write is one transaction and an audit entry with codes and ids only. A stage moves on only
when the stage before has what the seed's method needs: scanning → analysis needs confirmed
incidents; analysis → response the crime triangle; response → assessment tasks and the planned
end; assessment → closed a stored verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.analysis import measures
from senim.analysis.areas import Area, last_day
from senim.analysis.hotspot_map import hotspot_map
from senim.analysis.params import AnalysisError
from senim.analytics.grid import Projection
from senim.analytics.indicators import Period
from senim.analytics.repeats import near_repeat_clusters, repeat_places
from senim.core.errors import Invalid, NotFound
from senim.core.geo import locator
from senim.core.models import Sector, User
from senim.core.scope import scoped
from senim.core.text import clean_text
from senim.prevention.models import (
    STAGES,
    ChecklistAnswer,
    ChecklistQuestion,
    LinkReason,
    Origin,
    Problem,
    ProblemIncident,
    ProblemTask,
    Side,
    TaskOwner,
    TriangleSide,
)
from senim.prevention.services import (
    Form,
    _choice,
    _day,
    _point,
    _require,
    log_write,
    sector_for_write,
    whole,
)
from senim.register.models import Appeal, Offence, OffenceParty, PartyRole

YEAR = dt.timedelta(days=365)
REPEAT_RADIUS_M = 50.0  # events chained within 50 m are one place
REPEAT_MIN = 3  # offences at one place in 12 months that make it worth a look
NEAR_RADIUS_M = 200.0  # near repeats: within 200 m and 14 days of another offence (assumed,
NEAR_DAYS = 14.0  # the usual bands of near-repeat studies of burglary)
MAX_LINKED = 500  # incidents suggested for one case at most


@dataclass(frozen=True)
class Suggestion:
    origin: str
    lat: float
    lon: float
    events: int
    label: str


def _sector_of(lat: float, lon: float) -> int:
    return int(locator().locate(np.array([lat]), np.array([lon])).sector_ids[0])


def suggestions(user: User, sector: Sector, *, now: dt.datetime | None = None) -> list[Suggestion]:
    """What scanning finds in the sector's last 12 months: the analytics centre's Gi* hot spots
    of the district that lie in the sector, repeat places (≥ 3 offences within 50 m), near-repeat
    clusters (≥ 3 offences each within 200 m and 14 days of another), and repeat victims and
    offenders (two or more offences of the sector against or by one person)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    out: list[Suggestion] = []
    district = sector.district
    area = Area(region=district.region, district=district)
    try:
        spots = hotspot_map(
            user=user, area=area, period=Period(today - YEAR, today), kinds=()
        ).spots
    except (AnalysisError, ValueError):
        spots = ()
    for spot in spots:
        if _sector_of(spot.lat, spot.lon) == sector.pk:
            out.append(
                Suggestion(
                    "hot_spot",
                    spot.lat,
                    spot.lon,
                    spot.events,
                    _("Hot spot No. %(n)d of the district (Gi*)") % {"n": spot.rank},
                )
            )
    rows = list(
        scoped(
            user,
            Offence.objects.filter(
                sector=sector, registered_at__gte=now - YEAR, registered_at__lte=now
            ),
        )
        .exclude(lat__isnull=True)
        .values_list("id", "lat", "lon", "registered_at")
    )
    if rows:
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        lat = np.array([r[1] for r in rows], dtype=float)
        lon = np.array([r[2] for r in rows], dtype=float)
        days = np.array([(r[3] - now).total_seconds() / 86400 for r in rows])
        projection = Projection(lon0=sector.lon, lat0=sector.lat)
        x, y = projection.forward(lon, lat)
        places = repeat_places(x, y, radius_m=REPEAT_RADIUS_M, min_events=REPEAT_MIN)
        plon, plat = projection.inverse(places.x, places.y)
        for n in range(min(len(places.counts), 10)):
            out.append(
                Suggestion(
                    "repeat_place",
                    float(plat[n]),
                    float(plon[n]),
                    int(places.counts[n]),
                    _("Repeat place: %(n)d offences within 50 m") % {"n": places.counts[n]},
                )
            )
        clusters = near_repeat_clusters(
            x, y, days, radius_m=NEAR_RADIUS_M, days=NEAR_DAYS, min_events=REPEAT_MIN
        )
        clon, clat = projection.inverse(clusters.x, clusters.y)
        for n in range(min(len(clusters.sizes), 5)):
            out.append(
                Suggestion(
                    "near_repeat",
                    float(clat[n]),
                    float(clon[n]),
                    int(clusters.sizes[n]),
                    _("Near repeats: %(n)d offences within 200 m and 14 days of one another")
                    % {"n": clusters.sizes[n]},
                )
            )
        out += _repeat_people(ids, lat, lon, days)
    return out


def _repeat_people(
    ids: np.ndarray, lat: np.ndarray, lon: np.ndarray, days: np.ndarray
) -> list[Suggestion]:
    """Victims and offenders with two or more of the sector's offences in 12 months: the case
    sits at the latest of their offences; who they are is not shown here (the register's
    record pages show the parties to the roles that may see them)."""
    where = {int(i): (float(a), float(b)) for i, a, b in zip(ids, lat, lon, strict=True)}
    when = {int(i): float(t) for i, t in zip(ids, days, strict=True)}
    out: list[Suggestion] = []
    for role, origin, text in (
        (PartyRole.VICTIM, "repeat_victim", _("Repeat victim: %(n)d offences against one person")),
        (PartyRole.OFFENDER, "repeat_offender", _("Repeat offender: %(n)d offences by one person")),
    ):
        links = OffenceParty.objects.filter(offence_id__in=list(where), role=role).values_list(
            "person_id", "offence_id"
        )
        by_person: dict[int, list[int]] = {}
        for person, offence in links:
            by_person.setdefault(person, []).append(offence)
        repeated = sorted(
            (offences for offences in by_person.values() if len(offences) >= 2),
            key=lambda o: (-len(o), -max(when[i] for i in o)),
        )
        for offences in repeated[:5]:
            plat, plon = where[max(offences, key=lambda i: when[i])]
            out.append(Suggestion(origin, plat, plon, len(offences), text % {"n": len(offences)}))
    return out


def problems(user: User) -> QuerySet[Problem]:
    return scoped(user, Problem.objects.select_related("sector", "district"))


def _radius(form: Form) -> int:
    raw = str(form.get("radius_m") or "").strip()
    try:
        value = int(raw)
    except ValueError:
        raise Invalid("radius_m", _("is not a whole number")) from None
    if not 25 <= value <= 2000:
        raise Invalid(
            "radius_m", _("must be between %(low)d and %(high)d") % {"low": 25, "high": 2000}
        )
    return value


def link_area(problem: Problem, *, now: dt.datetime) -> int:
    """Suggest the register's offences and appeals of the last 12 months inside the problem's
    circle (in its sector), unconfirmed; returns how many were added."""
    projection = Projection(lon0=problem.lon, lat0=problem.lat)
    known = {
        (o, a)
        for o, a in ProblemIncident.objects.filter(problem=problem).values_list(
            "offence_id", "appeal_id"
        )
    }
    found: list[ProblemIncident] = []
    for model, field, time in (
        (Offence, "offence", "registered_at"),
        (Appeal, "appeal", "received_at"),
    ):
        rows = list(
            model.objects.filter(
                sector=problem.sector, **{f"{time}__gte": now - YEAR, f"{time}__lte": now}
            )
            .exclude(lat__isnull=True)
            .values_list("pk", "lat", "lon", time)
        )
        if not rows:
            continue
        lat = np.array([r[1] for r in rows], dtype=float)
        lon = np.array([r[2] for r in rows], dtype=float)
        x, y = projection.forward(lon, lat)
        inside = np.hypot(x, y) <= problem.radius_m
        key = (lambda pk: (pk, None)) if field == "offence" else (lambda pk: (None, pk))
        found += [
            ProblemIncident(
                problem=problem, **{field + "_id": r[0]}, at=r[3], reason=LinkReason.IN_AREA
            )
            for r, keep in zip(rows, inside, strict=True)
            if keep and key(r[0]) not in known
        ]
    # At most MAX_LINKED per case, offences and appeals together: the most recent first.
    found.sort(key=lambda i: i.at, reverse=True)
    new = found[: max(MAX_LINKED - len(known), 0)]
    ProblemIncident.objects.bulk_create(new)
    return len(new)


def problem_open(*, user: User, form: Form, now: dt.datetime | None = None) -> Problem:
    """Open a case at scanning; the register's incidents inside its area are suggested."""
    _require(user)
    now = now or timezone.now()
    sector = sector_for_write(user, str(form.get("sector") or ""))
    title = clean_text(form.get("title"), field="title", max_length=200, required=True)
    origin = _choice(form, "origin", Origin)
    lat, lon = _point(form, sector)
    radius = _radius(form)
    description = clean_text(
        form.get("description"), field="description", max_length=4000, required=True
    )
    with transaction.atomic():
        problem = Problem.objects.create(
            title=title,
            region_id=sector.district.region_id,
            district_id=sector.district_id,
            sector=sector,
            lat=lat,
            lon=lon,
            radius_m=radius,
            origin=origin,
            description=description,
            scanning_at=now,
            created_by=user.get_username(),
        )
        linked = link_area(problem, now=now)
        log_write(
            user, "open", problem, {"sector": sector.code, "origin": origin, "suggested": linked}
        )
    return problem


def problem_for_write(user: User, pk: int) -> Problem:
    _require(user)
    problem = problems(user).select_for_update().filter(pk=pk).first()
    if problem is None:
        raise NotFound("", _("No such problem case in your territory."))
    if problem.stage == "closed":
        raise Invalid("", _("The case is closed."))
    return problem


def confirm_incidents(*, user: User, pk: int, form: Any) -> int:
    """The inspector confirms which suggested incidents belong to the problem (the others stay
    suggested); `form.getlist("incident")` names the confirmed ones."""
    with transaction.atomic():
        problem = problem_for_write(user, pk)
        ids = {whole(v) for v in form.getlist("incident")} - {0}
        qs = problem.incidents.all()
        unknown = ids - set(qs.values_list("pk", flat=True))
        if unknown:
            raise Invalid("incident", _("Not an incident of this case."))
        qs.update(confirmed=False)
        n = qs.filter(pk__in=ids).update(confirmed=True)
        log_write(user, "confirm", problem, {"confirmed": n})
    return n


def answer(*, user: User, pk: int, form: Form, now: dt.datetime | None = None) -> None:
    """Answers to the checklist questions of the case's stages so far (`q_<code>` fields)."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = problem_for_write(user, pk)
        reached = STAGES[: STAGES.index(problem.stage) + 1]
        questions = {q.code: q for q in ChecklistQuestion.objects.filter(stage__in=reached)}
        for name in form:
            if not name.startswith("q_"):
                continue
            code = name[2:]
            if code not in questions:
                raise Invalid(name, _("Not a question of this stage of the case."))
            text = clean_text(form.get(name), field=name, max_length=4000)
            if text:
                ChecklistAnswer.objects.update_or_create(
                    problem=problem,
                    question=questions[code],
                    defaults={"text": text, "answered_by": user.get_username(), "answered_at": now},
                )
            else:
                ChecklistAnswer.objects.filter(problem=problem, question=questions[code]).delete()
        for flag, field in (("goal", "goal"),):
            if flag in form:
                problem.goal = clean_text(form.get(field), field=field, max_length=2000)
        if "residents_involved" in form or "goal" in form:
            problem.residents_involved = bool(form.get("residents_involved"))
        problem.save(update_fields=["goal", "residents_involved"])
        log_write(user, "answer", problem, {"stage": problem.stage})


def triangle_set(*, user: User, pk: int, form: Form) -> None:
    """The crime triangle: each side described and who controls it (`<side>_description`,
    `<side>_controller`); a side left empty is removed."""
    with transaction.atomic():
        problem = problem_for_write(user, pk)
        if problem.stage == "scanning":
            raise Invalid("", _("The triangle is drawn at the analysis stage."))
        for side in Side.values:
            description = clean_text(
                form.get(f"{side}_description"), field=f"{side}_description", max_length=2000
            )
            controller = clean_text(
                form.get(f"{side}_controller"), field=f"{side}_controller", max_length=1000
            )
            if description:
                TriangleSide.objects.update_or_create(
                    problem=problem,
                    side=side,
                    defaults={"description": description, "controller": controller},
                )
            else:
                TriangleSide.objects.filter(problem=problem, side=side).delete()
        log_write(user, "triangle", problem, {})


def task_add(*, user: User, pk: int, form: Form, now: dt.datetime | None = None) -> ProblemTask:
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        problem = problem_for_write(user, pk)
        if problem.stage not in {"response", "assessment"}:
            raise Invalid("", _("Tasks are planned at the response stage."))
        text = clean_text(form.get("text"), field="text", max_length=500, required=True)
        owner_kind = _choice(form, "owner_kind", TaskOwner)
        owner_name = clean_text(
            form.get("owner_name"), field="owner_name", max_length=200, required=True
        )
        due = _day(form, "due_on", today=today, past_only=False)
        if due < today:
            raise Invalid("due_on", _("is in the past"))
        if problem.response_ends_on and due > problem.response_ends_on:
            raise Invalid(
                "due_on",
                _("is after the response ends (%(day)s)")
                % {"day": problem.response_ends_on.isoformat()},
            )
        task = ProblemTask.objects.create(
            problem=problem,
            text=text,
            owner_kind=owner_kind,
            owner_name=owner_name,
            due_on=due,
            created_by=user.get_username(),
        )
        log_write(user, "task", problem, {"task": task.pk, "owner": owner_kind})
    return task


def task_close(*, user: User, pk: int, task_id: int, status: str) -> None:
    if status not in {"done", "dropped"}:
        raise Invalid("status", _("Choose one of the listed values."))
    with transaction.atomic():
        problem = problem_for_write(user, pk)
        task = problem.tasks.filter(pk=task_id, status="open").first()
        if task is None:
            raise Invalid("task", _("No such open task in this case."))
        task.status, task.done_at = status, timezone.now()
        task.save(update_fields=["status", "done_at"])
        log_write(user, "task_" + status, problem, {"task": task.pk})


def _what_is_missing(problem: Problem) -> str | None:
    if problem.stage == "scanning":
        if not problem.incidents.filter(confirmed=True).exists():
            return _("Confirm at least one incident of the register before the analysis.")
    elif problem.stage == "analysis":
        if problem.triangle.count() < len(Side.values):
            return _("Describe all three sides of the crime triangle before the response.")
    elif problem.stage == "response":
        if not problem.tasks.exists():
            return _("Plan at least one task before the assessment.")
    elif problem.stage == "assessment" and not problem.evaluation:
        return _("Evaluate the effect before closing the case.")
    return None


def advance(*, user: User, pk: int, form: Form, now: dt.datetime | None = None) -> Problem:
    """Move the case to its next stage, stamping the time; response needs its planned end."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        problem = problem_for_write(user, pk)
        missing = _what_is_missing(problem)
        if missing:
            raise Invalid("stage", missing)
        following = STAGES[STAGES.index(problem.stage) + 1]
        if following == "response":
            ends = _day(form, "response_ends_on", today=today, past_only=False)
            if ends <= today:
                raise Invalid("response_ends_on", _("must be after today"))
            problem.response_ends_on = ends
        setattr(problem, f"{following}_at", now)
        problem.stage = following
        problem.save()
        log_write(user, "stage", problem, {"stage": following})
    return problem


def assess(*, user: User, pk: int, form: Form, now: dt.datetime | None = None) -> dict[str, Any]:
    """Before / after against a control circle, by the analytics centre's evaluation of
    measures (`senim.analysis.measures.evaluate_places`); the verdict is stored with the case."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = problem_for_write(user, pk)
        if problem.stage != "assessment" or problem.response_at is None:
            raise Invalid("", _("The effect is evaluated at the assessment stage."))
        control_lat, control_lon = _point(form, problem.sector)
        start = timezone.localdate(problem.response_at)
        end = (
            _day(form, "end", today=timezone.localdate(now))
            if form.get("end")
            else default_end(user, problem, now=now)
        )
        try:
            verdict, n = measures.evaluate_places(
                user=user,
                region_id=problem.region_id,
                district_id=problem.district_id,
                target=measures.Place(problem.lat, problem.lon, problem.radius_m),
                control=measures.Place(control_lat, control_lon, problem.radius_m),
                start=start,
                end=end,
            )
        except AnalysisError as error:
            raise Invalid(
                error.field if error.field != "target" else "lat", error.message
            ) from None
        problem.evaluation = summary(verdict, n, control=(control_lat, control_lon))
        problem.save(update_fields=["evaluation"])
        log_write(user, "assess", problem, {"verdict": verdict.verdict})
    return problem.evaluation


def default_end(user: User, problem: Problem, *, now: dt.datetime) -> dt.date:
    """The after period runs to yesterday, or to the last day the register has offences of the
    district if that is earlier (a load a day behind must not make the evaluation refuse)."""
    district = problem.district
    data_end = last_day(user, Area(region=district.region, district=district))
    return min(timezone.localdate(now) - dt.timedelta(days=1), data_end)


def summary(verdict: Any, n_events: int, *, control: tuple[float, float]) -> dict[str, Any]:
    """What the case keeps of a verdict: enough to show it again and to audit it."""
    out: dict[str, Any] = {
        "verdict": verdict.verdict,
        "caveats": list(verdict.caveats),
        "before": [verdict.before.start.isoformat(), verdict.before.end.isoformat()],
        "after": [verdict.after.start.isoformat(), verdict.after.end.isoformat()],
        "target": [verdict.target.before, verdict.target.after],
        "control": [verdict.control.before, verdict.control.after],
        "ring": [verdict.ring.before, verdict.ring.after] if verdict.ring else None,
        "relative_change_pct": round(float(verdict.relative_change_pct), 1)
        if np.isfinite(verdict.relative_change_pct)
        else None,
        "displacement": verdict.displacement.interpretation if verdict.displacement else None,
        "events": n_events,
        "control_point": [round(control[0], 6), round(control[1], 6)],
    }
    return out


def rubric(problem: Problem) -> list[tuple[str, bool]]:
    """The case's quality in the spirit of the Goldstein award's criteria: depth of analysis,
    a clear goal, measures of effect, residents involved."""
    analysis_answers = problem.answers.filter(question__stage="analysis").count()
    return [
        (
            _("Depth of analysis: the triangle drawn and the analysis questions answered"),
            problem.triangle.count() == len(Side.values) and analysis_answers >= 3,
        ),
        (_("A clear goal"), bool(problem.goal.strip())),
        (_("The effect measured against a control area"), bool(problem.evaluation)),
        (_("Residents involved"), problem.residents_involved),
    ]
