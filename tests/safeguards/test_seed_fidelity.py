"""Seed 004's figures on compensation, the book of information records, who considered the
complaints and the terminals, each recomputed from the demo's records by the service code the
safeguards pages use, and each row's seed line checked to say its value. The demo is built once
for the module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from senim.core.models import User
from senim.safeguards import demo_data
from senim.safeguards.services import complaints, redress, terminals
from tests.seed_figures import SeedFigure, assert_cited

pytestmark = pytest.mark.django_db
Compute = Callable[[User], int | Decimal]


def _compensation(year: int, field: str) -> Compute:
    def get(user: User) -> int | Decimal:
        (row,) = redress.compensation_series(user=user, years=[year])
        value: int | Decimal = getattr(row, field)
        return value

    return get


def _book(year: int) -> Compute:
    def get(user: User) -> int:
        return redress.book_series(user=user, years=[year])[0].entries

    return get


def _failures(field: str) -> Compute:
    def get(user: User) -> int:
        return sum(getattr(line, field) for line in terminals.failures(user=user, year=2025))

    return get


FIGURES: list[tuple[SeedFigure, Compute]] = [
    (SeedFigure("Victims compensated, 2025", "004", 922, 15), _compensation(2025, "decisions")),
    (
        SeedFigure("Compensation paid, 2025, tenge", "004", 922, 1541850),
        _compensation(2025, "amount"),
    ),
    (SeedFigure("Victims compensated, 2024", "004", 922, 24), _compensation(2024, "decisions")),
    (
        SeedFigure("Compensation paid, 2024, tenge", "004", 922, 2856510),
        _compensation(2024, "amount"),
    ),
    (SeedFigure("Victims compensated, 2023", "004", 922, 22), _compensation(2023, "decisions")),
    (
        SeedFigure("Compensation paid, 2023, tenge", "004", 922, 2265060),
        _compensation(2023, "amount"),
    ),
    (SeedFigure("Book of information records: torture, 2024", "004", 1178, 163), _book(2024)),
    (SeedFigure("Book of information records: torture, 2025", "004", 1178, 223), _book(2025)),
    (
        SeedFigure("Book entries: growth 2024 to 2025, %", "004", 1178, Decimal("36.8")),
        lambda user: Decimal(f"{redress.book_series(user=user, years=[2025])[0].growth or 0:.1f}"),
    ),
    (
        SeedFigure("Complaints considered by regional representatives, 2025", "004", 1182, 126),
        lambda user: redress.handled_by(user=user, year=2025)["representative"],
    ),
    (
        SeedFigure("Complaints to the Ombudsman about torture, 2025", "004", 1171, 240),
        lambda user: complaints.summary(user=user, year=2025)["total"],
    ),
    (
        SeedFigure("Terminals found out of order on visits by November 2025", "004", 1584, 143),
        lambda user: terminals.found_on_visits(user=user, year=2025),
    ),
    (
        SeedFigure("Terminals found out of order by representatives", "004", 1568, 40),
        _failures("found_terminals"),
    ),
    (
        SeedFigure("Payphones found out of order by representatives", "004", 1570, 12),
        _failures("found_payphones"),
    ),
    (
        SeedFigure("Complaint terminals in the penitentiary system", "004", 1554, 608),
        _failures("terminals"),
    ),
]


@pytest.fixture(scope="module")
def national(django_db_setup: Any, django_db_blocker: Any) -> Iterator[User]:
    with django_db_blocker.unblock():
        demo_data.build(seed=7, years=[2024, 2025])
        user = User.objects.create(username="sg-fidelity", role="national_analyst")
        yield user
        demo_data.delete()
        user.delete()


@pytest.mark.parametrize(("figure", "compute"), FIGURES, ids=[str(f) for f, _c in FIGURES])
def test_the_demo_reproduces_the_seed_figure(
    national: User, figure: SeedFigure, compute: Compute
) -> None:
    assert_cited(figure)
    assert compute(national) == figure.value, figure


def test_the_representatives_finds_match_the_seed_region_by_region(national: User) -> None:
    for line in terminals.failures(user=national, year=2025):
        assert line.found_terminals == line.published_terminals, line.region.iso
        assert line.found_payphones == line.published_payphones, line.region.iso


def test_the_compensation_amounts_are_positive_and_follow_their_complaint_or_case(
    national: User,
) -> None:
    rows = list(redress.compensations(user=national))
    assert len(rows) == 22 + 24 + 15
    assert all(r.amount > 0 for r in rows)
    linked = [r for r in rows if r.complaint_id or r.case_id]
    assert linked, "some decisions follow a complaint or a case on record"
    for r in linked:
        if r.complaint is not None:
            assert r.decided_on >= r.complaint.received_at.date()


def test_the_pages_show_the_same_figures(national: User, client: Client) -> None:
    client.force_login(national)
    page = client.get("/safeguards/redress/?year=2025").content.decode()
    assert 'data-year="2025" data-decisions="15" data-amount="1541850.00"' in page
    assert 'data-year="2024" data-entries="163"' in page and 'data-entries="223"' in page
    assert 'data-handler="representative" data-count="126"' in page
    terminals_page = client.get("/safeguards/terminals/?year=2025").content.decode()
    assert 'id="found-count">143<' in terminals_page
