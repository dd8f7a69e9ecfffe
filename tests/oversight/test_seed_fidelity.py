"""Seed 004's figures on the visits of the Ombudsman, the regional representatives and the NPM,
each recomputed from the demo's records by the table code the oversight pages use
(senim.oversight.bodies for the visiting bodies, senim.oversight.tables for the NPM), and each
row's seed line checked to say its value. The demo is built once for the module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from senim.core.models import Facility, User
from senim.oversight import bodies, demo_data, tables
from senim.oversight.models import Institution, Visit
from tests.seed_figures import SeedFigure, assert_cited

pytestmark = pytest.mark.django_db
YEAR = 2025


def _body(kind: str, field: str) -> Callable[[User], int]:
    def get(user: User) -> int:
        line = next(x for x in bodies.by_body(user=user, year=YEAR) if x.kind == kind)
        return int(getattr(line, field))

    return get


def _sanctions(kind: str) -> Callable[[User], int]:
    def get(user: User) -> int:
        line = next(x for x in bodies.by_body(user=user, year=YEAR) if x.kind == "representative")
        return line.sanctions[kind]

    return get


def _agency(field: str, code: str) -> Callable[[User], int]:
    def get(user: User) -> int:
        lines = bodies.by_agency(user=user, year=YEAR, kind="representative")
        return int(getattr(next(a for a in lines if a.code == code), field))

    return get


def _matrix(field: str) -> Callable[[User], int]:
    def get(user: User) -> int:
        return int(getattr(tables.recommendation_matrix(user=user, year=YEAR).total, field))

    return get


def _npm_visits(user: User) -> int:
    return sum(line.count for line in tables.visits_by_agency(user=user, year=YEAR))


FIGURES: list[tuple[SeedFigure, Callable[[User], int]]] = [
    (SeedFigure("Ombudsman's visits, 2025", "004", 1279, 13), _body("ombudsman", "visits")),
    (
        SeedFigure("Ombudsman's recommendations, 2025", "004", 1414, 52),
        _body("ombudsman", "recommendations"),
    ),
    (
        SeedFigure("Ombudsman's recommendations implemented", "004", 1414, 41),
        _body("ombudsman", "implemented"),
    ),
    (
        SeedFigure("Ombudsman's recommendations being implemented", "004", 1414, 11),
        _body("ombudsman", "open"),
    ),
    (
        SeedFigure("Representatives' visits, 2025", "004", 1445, 804),
        _body("representative", "visits"),
    ),
    *[
        (SeedFigure(f"Representatives' visits: {code}", "004", 1445, n), _agency("visits", code))
        for code, n in [
            ("mia_police", 285),
            ("penitentiary", 123),
            ("defence", 8),
            ("national_security", 4),
            ("education", 143),
            ("health", 61),
            ("social_protection", 112),
            ("other", 68),
        ]
    ],
    (
        SeedFigure("Representatives' recommendations: penitentiary", "004", 1453, 298),
        _agency("recommendations", "penitentiary"),
    ),
    (
        SeedFigure("Representatives' recommendations: police", "004", 1465, 708),
        _agency("recommendations", "mia_police"),
    ),
    *[
        (
            SeedFigure(f"Representatives' recommendations: {code}", "004", 1469, n),
            _agency("recommendations", code),
        )
        for code, n in [("education", 534), ("health", 175), ("social_protection", 407)]
    ],
    (
        SeedFigure("Representatives' recommendations, 2025", "004", 1482, 2386),
        _body("representative", "recommendations"),
    ),
    (
        SeedFigure("Representatives' recommendations implemented", "004", 1482, 1988),
        _body("representative", "implemented"),
    ),
    (
        SeedFigure("Representatives' recommendations being implemented", "004", 1482, 398),
        _body("representative", "open"),
    ),
    (SeedFigure("People disciplined after visits", "004", 1484, 337), _sanctions("disciplinary")),
    (
        SeedFigure("People held administratively liable after visits", "004", 1484, 76),
        _sanctions("administrative"),
    ),
    (
        SeedFigure("Pre-trial investigations registered after visits", "004", 1484, 3),
        _sanctions("pre_trial"),
    ),
    (
        SeedFigure("Visits of the NPM, the Ombudsman and the representatives", "004", 1271, 1242),
        lambda user: bodies.all_visits(user=user, year=YEAR),
    ),
    (SeedFigure("NPM visits, 2025", "004", 1792, 425), _npm_visits),
    (SeedFigure("NPM recommendations sent, 2025", "004", 1809, 3188), _matrix("sent")),
    (SeedFigure("NPM recommendations implemented", "004", 1809, 1046), _matrix("implemented")),
]


@pytest.fixture(scope="module")
def admin(django_db_setup: Any, django_db_blocker: Any) -> Iterator[User]:
    # Built outside the tests' transactions, so everything it adds is removed again afterwards
    # (the demo's own delete keeps the register's facilities, which later tests must not see).
    with django_db_blocker.unblock():
        before = {
            model: set(model.objects.values_list("pk", flat=True))
            for model in (User, Facility, Institution)
        }
        demo_data.build(seed=2025, years=[2024, 2025])
        user = User.objects.create(
            username="fidelity-admin", role="administrator", is_superuser=True
        )
        yield user
        demo_data.delete()
        for model in (Institution, Facility, User):
            model.objects.exclude(pk__in=before[model]).delete()


@pytest.mark.parametrize(("figure", "compute"), FIGURES, ids=[str(f) for f, _c in FIGURES])
def test_the_demo_reproduces_the_seed_figure(
    admin: User, figure: SeedFigure, compute: Callable[[User], int]
) -> None:
    assert_cited(figure)
    assert compute(admin) == figure.value, figure


def test_the_bodies_page_shows_the_same_figures(admin: User, client: Client) -> None:
    client.force_login(admin)
    page = client.get(f"/oversight/bodies/?year={YEAR}&body=representative").content.decode()
    assert 'data-body="representative" data-visits="804" data-sent="2386"' in page
    assert 'data-implemented="1988" data-open="398"' in page
    assert 'data-body="ombudsman" data-visits="13" data-sent="52" data-implemented="41"' in page
    assert 'id="all-visits">1242<' in page
    # The NPM's own pages still count the NPM's visits only.
    matrix = client.get(f"/oversight/matrix/?year={YEAR}").content.decode()
    assert 'data-sent="3188" data-implemented="1046"' in matrix


def test_the_visit_list_filters_by_visiting_body(admin: User, client: Client) -> None:
    client.force_login(admin)
    page = client.get(f"/oversight/?year={YEAR}&body=ombudsman").content.decode()
    assert 'id="kpi-visits">13<' in page
    assert 'data-body="representative"' not in page and 'data-body="group"' not in page
    recs = client.get("/oversight/recommendations/?body=ombudsman&status=implemented")
    assert "Implemented: 41" in recs.content.decode() or "implemented: 41" in recs.content.decode()


def test_the_ombudsmans_visits_are_the_reports_places_and_months(admin: User) -> None:
    visits = Visit.objects.filter(group__kind="ombudsman").select_related(
        "institution__facility__region", "institution__facility__kind"
    )
    months = sorted(v.visited_on.month for v in visits)
    assert months == [1, 2, 3, 4, 5, 6, 7, 7, 7, 9, 9, 10, 10]
    regions = {v.institution.facility.region.iso for v in visits}
    assert regions == {"KZ-71", "KZ-11", "KZ-35", "KZ-27", "KZ-23", "KZ-15", "KZ-59", "KZ-55"}
    assert sum(v.institution.facility.kind.agency_code == "penitentiary" for v in visits) == 12
