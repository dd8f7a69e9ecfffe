"""The prevention demo: people on the register of every sector of the demo city, each with one
contact due (some overdue, some this week), risk assessments at addresses that called about
domestic conflicts (some at the top level, some called again since), repeatable and removable."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from django.db.models import Count, Q
from django.utils import timezone

from senim.core.geo import locator, place_key
from senim.core.models import Person, Sector
from senim.demo.builder import build as build_register
from senim.demo.common import DEMO_CITY
from senim.prevention import demo_data
from senim.prevention.models import (
    Contact,
    DvAssessment,
    DvRiskItem,
    DvRiskLevel,
    PreventiveCategory,
    Supervision,
)
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
    ]


def test_the_same_seed_rebuilds_the_same_demo_and_delete_removes_it(now: dt.datetime) -> None:
    people = Person.objects.count()
    first = demo_data.build(seed=SEED, years=_years(now))
    snapshot = _snapshot()
    demo_data.delete()
    assert not Supervision.objects.filter(is_demo=True).exists()
    assert not DvAssessment.objects.filter(is_demo=True).exists()
    assert not Contact.objects.exists()
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
