"""Recommendations: a status history, transitions that close once, escalation of overdue ones to a
proposal of the Ombudsman, reminders sent once per stage, and the region × agency matrix."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from senim.oversight import services, tables
from senim.oversight.errors import Forbidden, Invalid
from senim.oversight.models import Recommendation, RecStatus, Reminder
from tests.oversight.conftest import RecordVisit, World

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def recs(world: World, record_visit: RecordVisit) -> list[Recommendation]:
    visit = record_visit(
        findings=[services.FindingIn("No hot water")],
        recommendations=[
            services.RecommendationIn("Restore hot water", TODAY + dt.timedelta(days=5)),
            services.RecommendationIn("Repair the terminal", TODAY + dt.timedelta(days=90)),
            services.RecommendationIn(
                "Medical unit staff", TODAY + dt.timedelta(days=30), agency="health"
            ),
        ],
    )
    return list(visit.recommendations.order_by("pk"))


def test_the_status_history_is_kept_and_an_implemented_one_stays_closed(
    world: World, recs: list[Recommendation]
) -> None:
    rec = recs[0]
    services.change_status(user=world.monitor_a, recommendation_id=rec.pk, status="in_progress")
    services.change_status(
        user=world.monitor_a, recommendation_id=rec.pk, status="implemented", note="done"
    )
    rec.refresh_from_db()
    assert (rec.status, rec.closed_on) == ("implemented", TODAY)
    assert list(rec.events.values_list("status", flat=True)) == [
        "sent",
        "in_progress",
        "implemented",
    ]
    with pytest.raises(Invalid) as refused:
        services.change_status(user=world.monitor_a, recommendation_id=rec.pk, status="in_progress")
    assert refused.value.field == "status"
    with pytest.raises(Invalid):
        services.change_status(user=world.monitor_a, recommendation_id=recs[1].pk, status="implemented",
                               on=TODAY + dt.timedelta(days=1))  # fmt: skip


def test_the_matrix_counts_sent_and_implemented_by_region_and_agency(
    world: World, recs: list[Recommendation]
) -> None:
    services.change_status(user=world.monitor_a, recommendation_id=recs[0].pk, status="implemented")
    matrix = tables.recommendation_matrix(user=world.council_user, year=TODAY.year)
    row = next(r for r in matrix.rows if r.region.iso == "KZ-TA")
    cells = dict(zip([a[0] for a in matrix.agencies], row.cells, strict=True))
    assert (cells["mia_police"].sent, cells["mia_police"].implemented) == (2, 1)
    assert (cells["health"].sent, cells["health"].implemented) == (1, 0)
    assert (row.total.sent, row.total.implemented) == (3, 1)
    assert matrix.rows[0].region.iso == "KZ-TA"  # the highest share implemented comes first


def test_only_overdue_recommendations_to_one_agency_are_escalated_by_the_council(
    world: World, recs: list[Recommendation]
) -> None:
    ids = [recs[0].pk, recs[1].pk]
    Recommendation.objects.filter(pk__in=ids).update(due_on=TODAY - dt.timedelta(days=10))
    with pytest.raises(Forbidden):
        services.escalate(user=world.monitor_a, recommendation_ids=ids, text="Proposal")
    with pytest.raises(Invalid, match="not overdue"):
        services.escalate(user=world.council_user, recommendation_ids=[recs[2].pk], text="Proposal")
    proposal = services.escalate(
        user=world.council_user, recommendation_ids=ids, text="To the minister"
    )
    assert (proposal.agency, proposal.region_id) == ("mia_police", world.ivs_a.facility.region_id)
    assert set(proposal.recommendations.values_list("pk", flat=True)) == set(ids)
    with pytest.raises(Invalid, match="already escalated"):
        services.escalate(user=world.council_user, recommendation_ids=ids, text="Again")


def test_reminders_run_twice_notify_once_per_stage(
    world: World, recs: list[Recommendation]
) -> None:
    world.monitor_a.email = "a@example.org"
    world.monitor_a.save()
    Recommendation.objects.filter(pk=recs[2].pk).update(due_on=TODAY - dt.timedelta(days=1))
    out = io.StringIO()
    call_command("npm_reminders", stdout=out)
    assert "due soon: 1, overdue: 1, e-mails: 2" in out.getvalue()
    assert len(mail.outbox) == 2
    assert all(m.to == ["a@example.org"] for m in mail.outbox)
    call_command("npm_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 2
    # A closed recommendation is not reminded; a newly overdue one is, once.
    services.change_status(
        user=world.monitor_a, recommendation_id=recs[1].pk, status=RecStatus.NOT_IMPLEMENTED
    )
    call_command(
        "npm_reminders",
        "--today",
        (TODAY + dt.timedelta(days=10)).isoformat(),
        stdout=io.StringIO(),
    )
    assert len(mail.outbox) == 3
    assert "overdue" in mail.outbox[-1].subject
