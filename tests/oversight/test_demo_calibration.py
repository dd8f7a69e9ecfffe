"""The demo's records reproduce seed 004's published NPM figures once the tables are computed:
the 3 761 institutions by agency, the 2025 visits by agency and by kind of place, 3 188
recommendations with 1 046 implemented and the three highest shares implemented by region."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from senim.core.models import User
from senim.oversight import demo_data, tables
from senim.oversight.models import BodyKind, Member, Recommendation, Visit

pytestmark = pytest.mark.django_db

AGENCIES_2025 = {
    "mia_police": 152,
    "education": 79,
    "penitentiary": 73,
    "social_protection": 71,
    "health": 44,
    "national_security": 4,
    "defence": 2,
}
KINDS_2025 = {
    "ivs": 77,
    "sizo": 16,
    "correctional": 57,
    "reception_distribution": 13,
    "spec_reception": 19,
    "juvenile_adaptation": 10,
    "special_education": 3,
    "childrens_village": 8,
    "compulsory_treatment": 37,
    "social_services": 71,
    "nsc_isolator": 4,
    "guardhouse": 2,
    "police_premises": 43,
}
INSTITUTIONS = {
    "mia_police": 3299,
    "education": 187,
    "social_protection": 121,
    "health": 64,
    "penitentiary": 79,
    "defence": 7,
    "national_security": 4,
}


@pytest.fixture
def demo() -> dict[str, int]:
    return demo_data.build(seed=2025, years=[2024, 2025])


@pytest.fixture
def admin() -> User:
    return User.objects.create(username="oversight-admin", role="administrator", is_superuser=True)


def test_the_demo_reproduces_the_reports_npm_figures(
    demo: dict[str, int], admin: User, client: Client
) -> None:
    report = tables.annual_report(user=admin, year=2025)
    assert {line.key: line.count for line in report.institutions} == INSTITUTIONS
    assert report.institutions_total == 3761

    by_agency = {line.key: line.count for line in tables.visits_by_agency(user=admin, year=2025)}
    assert by_agency == AGENCIES_2025
    by_kind = {line.key: line.count for line in tables.visits_by_category(user=admin, year=2025)}
    assert {k: by_kind[k] for k in KINDS_2025} == KINDS_2025
    assert sum(by_kind.values()) == report.visits_total == 425

    matrix = tables.recommendation_matrix(user=admin, year=2025)
    assert (matrix.total.sent, matrix.total.implemented) == (3188, 1046)
    assert round(matrix.total.percent or 0) == 33
    top = [(row.region.iso, round(row.total.percent or 0)) for row in matrix.rows[:3]]
    assert top == [("KZ-75", 67), ("KZ-15", 60), ("KZ-55", 54)]
    # The matrix adds up both ways, and the annual report carries the same one.
    assert sum(c.sent for c in matrix.totals) == sum(r.total.sent for r in matrix.rows) == 3188
    assert report.matrix == matrix

    day = dt.date(2025, 6, 1)
    serving = Member.objects.filter(
        body__kind=BodyKind.GROUP, term_start__lte=day, term_end__gte=day, is_demo=True
    )
    assert serving.values("body").distinct().count() == 20
    assert serving.count() == 99
    # The page shows the same matrix.
    client.force_login(admin)
    page = client.get("/oversight/matrix/?year=2025").content.decode()
    assert 'data-sent="3188" data-implemented="1046"' in page

    # Other years: about 500 visits a year (§6), not calibrated further.
    assert demo["npm_visits"] == 425 + 500


def test_rebuilding_replaces_the_demo_rows_with_the_same_ones() -> None:
    first = demo_data.build(seed=7, years=[2025])
    visits = list(Visit.objects.filter(is_demo=True).values_list("institution__code", "visited_on"))
    demo_data.delete()
    assert not Visit.objects.filter(is_demo=True).exists()
    assert not Recommendation.objects.exists()
    second = demo_data.build(seed=7, years=[2025])
    assert first == second
    again = list(Visit.objects.filter(is_demo=True).values_list("institution__code", "visited_on"))
    assert again == visits


def test_a_count_the_core_reference_gives_is_kept_and_the_agency_total_still_holds() -> None:
    from senim.core.models import FacilityKind

    FacilityKind.objects.filter(code="ivs").update(count_2025=40)
    kinds = {k.code: k for k in FacilityKind.objects.filter(code__in=demo_data.INSTITUTIONS)}
    counts = demo_data._kind_counts(kinds)
    assert counts["ivs"] == 40
    police = sum(n for code, n in counts.items() if kinds[code].agency_code == "mia_police")
    assert police == 3299 and sum(counts.values()) == 3761
