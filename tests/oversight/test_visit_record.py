"""A visit is recorded with its team, checklist, findings and recommendations, all or nothing;
each broken rule names its field and leaves nothing behind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from senim.core.models import AuditEntry
from senim.oversight import services
from senim.oversight.checklist import Item, Result
from senim.oversight.errors import Forbidden, Invalid
from senim.oversight.models import (
    ChecklistAnswer,
    Finding,
    Recommendation,
    RecommendationEvent,
    Visit,
)
from tests.oversight.conftest import RecordVisit, World, term

pytestmark = pytest.mark.django_db
DUE = timezone.localdate() + dt.timedelta(days=60)


def test_a_visit_keeps_its_team_checklist_findings_and_recommendations(
    world: World, record_visit: RecordVisit
) -> None:
    visit = record_visit(
        checklist=[
            services.AnswerIn(Item.LIVING_SPACE, value=Decimal("2.1")),
            services.AnswerIn(Item.FEMALE_STAFF, Result.COMPLIANT),
            services.AnswerIn(Item.TERMINALS, value=Decimal(0)),
        ],
        findings=[services.FindingIn("2.1 m² per person in cell 4", Item.LIVING_SPACE)],
        recommendations=[services.RecommendationIn("Relieve cell 4", DUE, finding=0)],
    )
    answers = dict(ChecklistAnswer.objects.filter(visit=visit).values_list("item", "result"))
    # The figure decides: 2.1 m² is under the 2.5 m² norm, 0 broken terminals is compliant.
    assert answers == {
        "living_space": "violation",
        "female_staff": "compliant",
        "terminals": "compliant",
    }
    assert set(visit.team.values_list("full_name", flat=True)) == {"Aigerim A.", "Bolat B."}
    rec = Recommendation.objects.get(visit=visit)
    assert rec.finding == Finding.objects.get(visit=visit)
    assert (rec.agency, rec.institution, rec.status) == ("mia_police", world.ivs_a, "sent")
    assert list(
        RecommendationEvent.objects.filter(recommendation=rec).values_list("status", flat=True)
    ) == ["sent"]
    assert AuditEntry.objects.filter(model="oversight.Visit", object_pk=str(visit.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"checklist": [services.AnswerIn(Item.LIVING_SPACE, Result.COMPLIANT, Decimal("2.1"))]},
            "checklist.living_space",
        ),
        ({"checklist": [services.AnswerIn(Item.CAMERAS, "fine")]}, "checklist.cameras"),
        ({"visited_on": timezone.localdate() + dt.timedelta(days=1)}, "visited_on"),
        ({"team_ids": []}, "team"),
        ({"interviews_private": -1}, "interviews_private"),
        ({"findings": [services.FindingIn("  ")]}, "findings.0.text"),
        (
            {"recommendations": [services.RecommendationIn("Do it", timezone.localdate())]},
            "recommendations.0.due_on",
        ),
        (
            {"recommendations": [services.RecommendationIn("Do it", DUE, agency="police")]},
            "recommendations.0.agency",
        ),
        ({"institution_id": 0}, "institution"),
    ],
)
def test_a_broken_rule_names_its_field_and_stores_nothing(
    record_visit: RecordVisit, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        record_visit(**overrides)
    assert refused.value.field == field
    assert not Visit.objects.exists()
    assert not Recommendation.objects.exists()


def test_an_institution_outside_the_groups_region_is_refused(
    world: World, record_visit: RecordVisit
) -> None:
    with pytest.raises(Invalid, match="outside this group's region"):
        record_visit(institution_id=world.ivs_b.pk)


def test_the_team_must_serve_on_the_day_of_the_visit(
    world: World, record_visit: RecordVisit
) -> None:
    old = term(world.group_a, "Former F.", start=dt.date(2020, 1, 1))
    with pytest.raises(Invalid, match="term does not cover"):
        record_visit(team_ids=[old.pk])
    with pytest.raises(Invalid, match="not in this group"):
        record_visit(team_ids=[world.member_b.pk])


def test_a_member_of_another_group_may_not_record_for_this_one(
    world: World, record_visit: RecordVisit
) -> None:
    with pytest.raises(Forbidden):
        record_visit(user=world.monitor_b)
    assert not Visit.objects.exists()


def test_the_same_visit_is_not_recorded_twice(record_visit: RecordVisit) -> None:
    record_visit()
    with pytest.raises(Invalid) as refused:
        record_visit()
    assert refused.value.field == "visited_on"
    assert Visit.objects.count() == 1
