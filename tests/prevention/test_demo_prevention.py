"""The prevention demo: people on the register of every sector of the demo city, each with one
contact due (some overdue, some this week), risk assessments at addresses that called about
domestic conflicts (some at the top level, some called again since), problem cases at every
stage of SARA (some evaluated), partners, commissions with decisions followed up and meetings
with residents whose priorities are answered or taken up as cases, repeatable and removable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from django.db.models import Count, Q
from django.utils import timezone

from senim.analytics.grid import Projection
from senim.core.geo import locator, place_key
from senim.core.models import Person, Sector, User
from senim.demo.builder import build as build_register
from senim.demo.common import DEMO_CITY
from senim.prevention import demo_data, sara
from senim.prevention.models import (
    STAGES,
    ChecklistAnswer,
    ChecklistQuestion,
    Commission,
    CommissionMeeting,
    Contact,
    Decision,
    DvAssessment,
    DvRiskItem,
    DvRiskLevel,
    Partner,
    PreventiveCategory,
    Priority,
    Problem,
    ProblemIncident,
    ProblemTask,
    ResidentMeeting,
    Supervision,
    TriangleSide,
)
from senim.prevention.partnership import published_priorities
from senim.prevention.selectors import DOMESTIC, YEAR, passport, place_risks
from senim.prevention.services import level_for
from senim.register.models import Appeal

pytestmark = pytest.mark.django_db
SEED = 3


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """A small register demo running up to now (the other apps' demo data has its own tests)."""
    monkeypatch.setattr("senim.demo.builder.app_hooks", lambda: [])
    moment = timezone.now()
    last_full_year = timezone.localdate(moment).year - 1
    build_register(seed=5, scale=0.01, years=[last_full_year], through=moment)
    return moment


def _years(now: dt.datetime) -> list[int]:
    return [timezone.localdate(now).year - 1]


def test_every_sector_has_people_on_the_register_each_with_one_contact_due(
    now: dt.datetime,
) -> None:
    counts = demo_data.build(seed=SEED, years=_years(now))
    today = timezone.localdate()
    city = Sector.objects.filter(district__region__iso=DEMO_CITY)
    people = Supervision.objects.select_related("category", "person", "sector")
    assert counts["preventive_register"] == people.count() > 0
    assert counts["preventive_contacts"] == Contact.objects.count()
    per_sector = dict(people.values_list("sector").annotate(n=Count("id")))
    assert set(per_sector) == set(city.values_list("pk", flat=True))
    assert all(3 <= n <= 8 for n in per_sector.values())
    open_per_person = people.annotate(n=Count("contacts", filter=Q(contacts__done_at=None)))
    assert set(open_per_person.values_list("n", flat=True)) == {1}

    due = Contact.objects.filter(done_at=None)
    week = today + dt.timedelta(days=7)
    assert due.filter(due_on__lt=today).exists()
    assert due.filter(due_on__gte=today, due_on__lt=week).exists()
    assert due.filter(due_on__gte=week).exists()
    done = Contact.objects.exclude(done_at=None)
    assert done.exists() and not done.filter(Q(kind="") | Q(outcome="")).exists()
    assert not done.filter(done_at__gt=timezone.now()).exists()
    assert set(done.values_list("outcome", flat=True)) >= {"met", "not_found"}

    rows = list(people)
    where = locator().locate(np.array([s.lat for s in rows]), np.array([s.lon for s in rows]))
    for s, district in zip(rows, where.district_ids, strict=True):
        assert s.is_demo and s.status == "active" and s.created_by == "demo"
        assert today - dt.timedelta(days=560) <= s.started_on < today < s.ends_on
        assert s.person.iin_hash is None and s.address and s.basis
        assert int(district) == s.district_id  # where `services` would accept the address
        assert s.place_key == place_key(s.lat, s.lon)
        assert s.sector.district_id == s.district_id
        age = (today - s.person.birth_date).days / 365.25  # type: ignore[operator]
        assert (12 <= age < 18) if s.category.code == "juvenile" else (18 <= age <= 70.1)
        assert not s.contacts.filter(due_on__lt=s.started_on).exists()

    page = passport(city.get(pk=rows[0].sector_id))
    assert len(page.supervised) == per_sector[rows[0].sector_id]


def test_assessments_score_as_the_service_does_and_some_are_high_or_due_again(
    now: dt.datetime,
) -> None:
    counts = demo_data.build(seed=SEED, years=_years(now))
    levels = list(DvRiskLevel.objects.order_by("min_score"))
    weights = {i.code: i.weight for i in DvRiskItem.objects.filter(active=True)}
    rows = list(DvAssessment.objects.select_related("level", "computed_level", "sector__district"))
    assert counts["dv_assessments"] == len(rows) > 0
    moment = timezone.now()
    where = locator().locate(np.array([a.lat for a in rows]), np.array([a.lon for a in rows]))
    for a, sector in zip(rows, where.sector_ids, strict=True):
        assert a.is_demo and a.address
        assert set(a.answers) == set(weights)
        assert a.score == sum(weights[code] for code, yes in a.answers.items() if yes)
        assert a.computed_level == level_for(a.score, levels)
        assert a.level.min_score >= a.computed_level.min_score
        assert (a.level != a.computed_level) == bool(a.raised_because)
        assert moment - YEAR < a.assessed_at < moment
        assert int(sector) == a.sector_id and a.sector.district.region.iso == DEMO_CITY
        assert a.place_key == place_key(a.lat, a.lon)
    assert any(a.level == levels[-1] for a in rows)
    assert len({a.computed_level_id for a in rows}) >= 2

    # Every assessed address called about a domestic conflict; some called again since.
    keys = {a.place_key for a in rows}
    called = set(
        Appeal.objects.filter(category=DOMESTIC, place_key__in=keys).values_list(
            "place_key", flat=True
        )
    )
    assert called == keys
    risks = place_risks(DvAssessment.objects.all(), now=moment)
    assert any(r.reassess_due for r in risks)
    assert any(not r.reassess_due for r in risks)


def _snapshot() -> list[Any]:
    return [
        list(
            Supervision.objects.order_by("sector__code", "started_on", "address").values_list(
                "sector__code", "category__code", "started_on", "ends_on", "address", "lat", "lon"
            )
        ),
        sorted(
            Contact.objects.values_list(
                "supervision__address", "due_on", "done_at__date", "kind", "outcome"
            ),
            key=str,
        ),
        list(
            DvAssessment.objects.order_by("place_key", "score").values_list(
                "place_key", "score", "level__code", "sector__code"
            )
        ),
        list(
            Problem.objects.order_by("scanning_at", "title").values_list(
                "sector__code",
                "stage",
                "origin",
                "title",
                "lat",
                "lon",
                "radius_m",
                "scanning_at",
                "response_ends_on",
                "evaluation",
            )
        ),
        sorted(ProblemTask.objects.values_list("problem__title", "text", "due_on", "status")),
        sorted(
            Partner.objects.values_list(
                "name", "kind", "district__code", "contact", "memorandum", "memorandum_ends_on"
            ),
            key=str,
        ),
        sorted(
            Decision.objects.values_list(
                "meeting__commission__level", "meeting__held_on", "text", "due_on", "status"
            ),
            key=str,
        ),
        sorted(
            Priority.objects.values_list(
                "meeting__sector__code",
                "meeting__held_on",
                "meeting__place",
                "concern",
                "status",
                "answered_on",
                "problem__title",
                "published",
            ),
            key=str,
        ),
    ]


def test_the_same_seed_rebuilds_the_same_demo_and_delete_removes_it(now: dt.datetime) -> None:
    people = Person.objects.count()
    first = demo_data.build(seed=SEED, years=_years(now))
    snapshot = _snapshot()
    demo_data.delete()
    assert not Supervision.objects.filter(is_demo=True).exists()
    assert not DvAssessment.objects.filter(is_demo=True).exists()
    assert not Contact.objects.exists()
    for model in (Problem, ProblemIncident, ChecklistAnswer, TriangleSide, ProblemTask):
        assert not model.objects.exists()
    for model in (Partner, Commission, CommissionMeeting, Decision, ResidentMeeting, Priority):
        assert not model.objects.exists()
    assert Person.objects.count() == people  # the register's people stay, the demo's are gone
    assert demo_data.build(seed=SEED, years=_years(now)) == first
    assert _snapshot() == snapshot

    # A person someone else has since put on the register in another category stays.
    demo = Supervision.objects.filter(is_demo=True).select_related("category").first()
    assert demo is not None
    other = PreventiveCategory.objects.exclude(pk=demo.category_id).first()
    assert other is not None
    real = Supervision.objects.create(
        person=demo.person,
        category=other,
        region_id=demo.region_id,
        district_id=demo.district_id,
        sector_id=demo.sector_id,
        basis="Court order No. 2-15",
        started_on=demo.started_on,
        ends_on=demo.ends_on,
        address=demo.address,
        lat=demo.lat,
        lon=demo.lon,
        place_key=demo.place_key,
    )
    demo_data.delete()
    assert not Supervision.objects.filter(is_demo=True).exists()
    assert not DvAssessment.objects.exists()
    assert list(Supervision.objects.all()) == [real]
    assert Person.objects.count() == people + 1


def test_problem_cases_reach_every_stage_of_sara_in_order(now: dt.datetime) -> None:
    counts = demo_data.build(seed=SEED, years=_years(now))
    moment, today = timezone.now(), timezone.localdate()
    cases = list(Problem.objects.select_related("sector__district__region").order_by("pk"))
    assert counts["problem_cases"] == len(cases) and 12 <= len(cases) <= 20
    assert counts["problem_tasks"] == ProblemTask.objects.count() > 0
    assert counts["problem_evaluations"] == sum(1 for p in cases if p.evaluation)
    stages = {p.stage for p in cases}
    # Closed cases need a stored evaluation; at this small scale it still succeeds (with the
    # caveat of too few events), but the stage is not required.
    assert stages >= {"scanning", "analysis", "response", "assessment"}
    inspector = User.objects.get(username="inspector")
    assert len({p.stage for p in cases if p.sector_id == inspector.sector_id}) >= 2

    where = locator().locate(np.array([p.lat for p in cases]), np.array([p.lon for p in cases]))
    for p, district in zip(cases, where.district_ids, strict=True):
        assert p.is_demo and p.title and p.description and p.created_by == "demo"
        assert p.sector.district.region.iso == DEMO_CITY
        assert int(district) == p.district_id == p.sector.district_id  # as `_point` requires
        assert 25 <= p.radius_m <= 2000
        if p.origin in {"hot_spot", "repeat_place"}:  # what scanning suggested on that day
            found = sara.suggestions(User(role="administrator"), p.sector, now=p.scanning_at)
            assert (p.origin, p.lat, p.lon) in {
                (s.origin, round(s.lat, 6), round(s.lon, 6)) for s in found
            }
        reached = STAGES[: STAGES.index(p.stage) + 1]
        moments: list[dt.datetime] = [getattr(p, f"{s}_at") for s in reached]
        assert all(m is not None for m in moments)
        assert moments == sorted(moments) and len(set(moments)) == len(moments)
        assert moments[-1] < moment
        assert all(p.stage_at(s) is None for s in STAGES[len(reached) :])
        incidents = list(p.incidents.select_related("offence", "appeal"))
        confirmed = sum(i.confirmed for i in incidents)
        if p.stage == "scanning":
            assert confirmed == 0
        else:  # a majority confirmed
            assert confirmed > len(incidents) / 2
        for i in incidents:
            assert i.record.sector_id == p.sector_id
            assert p.scanning_at - dt.timedelta(days=365) <= i.at <= p.scanning_at
        sides = set(p.triangle.values_list("side", flat=True))
        if p.stage in {"response", "assessment", "closed"}:
            assert sides == {"offender", "target", "place"} and p.goal
        elif p.stage == "scanning":
            assert not sides and not p.goal
        for a in p.answers.select_related("question"):
            assert a.question.stage in reached and a.text
            assert getattr(p, f"{a.question.stage}_at") <= a.answered_at < moment
        for stage in reached[:-1]:  # the questions of the stages passed are all answered
            if stage != "closed":
                asked = set(ChecklistQuestion.objects.filter(stage=stage).values_list("pk"))
                answered = set(p.answers.filter(question__stage=stage).values_list("question"))
                assert answered == asked
        tasks = list(p.tasks.all())
        assert bool(tasks) == (p.stage in {"response", "assessment", "closed"})
        for t in tasks:
            assert p.response_at is not None and p.response_ends_on is not None
            assert timezone.localdate(p.response_at) <= t.due_on <= p.response_ends_on
            assert (t.status == "open") == (t.done_at is None)
            if t.done_at is not None:
                assert p.response_at < t.done_at < moment
        if p.stage == "response":
            assert p.response_ends_on is not None and p.response_ends_on > today
        if p.stage == "closed":
            assert p.evaluation and p.closed_at is not None
        if p.evaluation:
            assert p.stage in {"assessment", "closed"} and p.response_at is not None
            assert p.response_at <= moment - dt.timedelta(days=90)
            assert p.evaluation["verdict"] in {"effect", "no_effect", "inconclusive"}
            lat, lon = p.evaluation["control_point"]
            control = locator().locate(np.array([lat]), np.array([lon]))
            assert int(control.district_ids[0]) == p.district_id
            x, y = Projection(lon0=p.lon, lat0=p.lat).forward(np.array([lon]), np.array([lat]))
            assert float(np.hypot(x[0], y[0])) >= 2 * p.radius_m + 250

    running = ProblemTask.objects.filter(problem__stage="response")
    assert running.filter(status="done").exists()
    assert running.filter(status="open", due_on__lt=today).exists()
    assert running.filter(status="open", due_on__gte=today).exists()
    assert len(set(ProblemTask.objects.values_list("owner_kind", flat=True))) >= 3


def test_partners_commissions_and_meetings_with_residents(now: dt.datetime) -> None:
    counts = demo_data.build(seed=SEED, years=_years(now))
    today = timezone.localdate()
    inspector = User.objects.get(username="inspector")
    assert inspector.sector_id is not None and inspector.district_id is not None

    # The partnership's own (the juveniles' demo adds one regional partner per other region).
    partners = list(
        Partner.objects.exclude(name__startswith="Демо:").select_related("region", "district")
    )
    assert counts["partners"] == len(partners) >= 20
    assert len({p.kind for p in partners}) >= 6
    assert {p.region.iso for p in partners} == {DEMO_CITY}
    assert all(p.district.region_id == p.region_id for p in partners if p.district)
    assert len({p.district_id for p in partners if p.district_id}) >= 6
    assert any(p.district_id == inspector.district_id for p in partners)
    for p in partners:
        assert p.is_demo and p.name
        assert p.contact.endswith("@example.kz") or p.contact.startswith("+7 727 000 ")
        assert bool(p.memorandum) == (p.memorandum_signed_on is not None)
        if p.memorandum_signed_on:
            assert today - dt.timedelta(days=3 * 366) <= p.memorandum_signed_on <= today
    with_memorandum = [p for p in partners if p.memorandum]
    assert 0.3 <= len(with_memorandum) / len(partners) <= 0.7
    assert any(p.memorandum_ends_on and p.memorandum_ends_on < today for p in with_memorandum)

    # Two commissions, the city's and the inspector's district's, with decisions followed up.
    commissions = {c.level: c for c in Commission.objects.select_related("region")}
    assert counts["commissions"] == len(commissions) == 2 and set(commissions) == {
        "region",
        "district",
    }
    assert commissions["region"].region is not None
    assert commissions["region"].region.iso == DEMO_CITY
    assert commissions["region"].district_id is None
    assert commissions["district"].district_id == inspector.district_id
    decisions = list(Decision.objects.select_related("meeting"))
    assert counts["commission_decisions"] == len(decisions)
    for c in commissions.values():
        assert c.is_demo
        held = list(c.meetings.values_list("held_on", flat=True))
        assert 3 <= len(held) <= 4
        assert all(today - dt.timedelta(days=366) <= h < today for h in held)
        assert all(2 <= m.decisions.count() <= 4 for m in c.meetings.all())
    for d in decisions:
        assert d.text and d.owner and d.due_on > d.meeting.held_on
        assert (d.status == "open") == (d.done_on is None)
        if d.done_on is not None:
            assert d.meeting.held_on <= d.done_on <= today and d.follow_up
    assert any(d.status == "open" and d.due_on < today for d in decisions)
    assert any(d.status == "open" and d.due_on >= today for d in decisions)
    assert {d.status for d in decisions} == {"open", "done", "dropped"}

    # Meetings with residents and their priorities.
    meetings = list(ResidentMeeting.objects.select_related("sector", "region"))
    assert counts["resident_meetings"] == len(meetings)
    assert 20 <= len({m.sector_id for m in meetings}) <= 30
    assert sum(m.sector_id == inspector.sector_id for m in meetings) >= 2
    for m in meetings:
        assert m.is_demo and m.place and 8 <= m.attendance <= 120
        assert today - dt.timedelta(days=183) <= m.held_on <= today
        assert m.district_id == m.sector.district_id and m.region.iso == DEMO_CITY
    priorities = list(Priority.objects.select_related("meeting", "problem"))
    assert counts["resident_priorities"] == len(priorities)
    assert {p.status for p in priorities} == {"open", "answered", "case"}
    for p in priorities:
        assert p.concern
        if p.published:
            assert p.status != "open" and p.answer
        if p.status == "case":
            assert p.problem is not None and p.problem.sector_id == p.meeting.sector_id
        if p.status == "open":
            assert p.answered_on is None and not p.answer and p.problem is None
        else:
            assert p.answered_on is not None and p.meeting.held_on <= p.answered_on <= today
    found = published_priorities(
        district_id=inspector.district_id,
        start=today - dt.timedelta(days=183),
        end=today + dt.timedelta(days=1),
    )
    assert found and all(p.meeting.district_id == inspector.district_id for p in found)
