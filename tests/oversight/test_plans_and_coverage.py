"""Every institution is visited at least once in four years: the coverage report says which are
never or not recently visited, and the council cannot approve a plan that leaves one out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from senim.oversight import planning
from senim.oversight.errors import Forbidden, Invalid
from senim.oversight.models import Visit
from tests.oversight.conftest import RecordVisit, World, institution

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_coverage_tells_never_visited_from_not_visited_for_four_years(
    world: World, record_visit: RecordVisit
) -> None:
    record_visit()  # the IVS: visited yesterday
    old = record_visit(institution_id=world.colony_a.pk)
    Visit.objects.filter(pk=old.pk).update(visited_on=TODAY - dt.timedelta(days=5 * 365))
    fresh = institution("ivs", world.ivs_a.facility.region, included_on=TODAY)
    rows = {r.institution.code: r for r in planning.coverage(user=world.monitor_a)}
    assert rows[world.ivs_a.code].status == "covered"
    assert rows[world.colony_a.code].status == "overdue"
    assert rows[fresh.code].status == "never"
    assert world.ivs_b.code not in rows  # group B's region
    summary = planning.coverage_summary(list(rows.values()))
    assert (summary["never"], summary["overdue"], summary["covered"], summary["total"]) == (
        1,
        1,
        1,
        3,
    )


def test_a_plan_must_hold_every_institution_due_before_the_council_approves_it(
    world: World, record_visit: RecordVisit
) -> None:
    record_visit()  # the IVS is covered until four years from yesterday
    year = TODAY.year + 1
    plan = planning.propose_plan(user=world.monitor_a, group_id=world.group_a.pk, year=year)
    planned = set(plan.entries.values_list("institution__code", flat=True))
    assert planned == {world.colony_a.code}  # included in 2020 and never visited: due
    planning.remove_from_plan(
        user=world.monitor_a, plan_id=plan.pk, institution_id=world.colony_a.pk
    )
    with pytest.raises(Forbidden):
        planning.approve_plan(user=world.monitor_a, plan_id=plan.pk)
    with pytest.raises(Invalid) as refused:
        planning.approve_plan(user=world.council_user, plan_id=plan.pk)
    assert refused.value.field == "entries" and world.colony_a.code in refused.value.message
    planning.add_to_plan(
        user=world.monitor_a, plan_id=plan.pk, institution_id=world.colony_a.pk, month=3
    )
    approved = planning.approve_plan(user=world.council_user, plan_id=plan.pk)
    assert approved.status == "approved"
    with pytest.raises(Invalid, match="not changed"):
        planning.remove_from_plan(
            user=world.monitor_a, plan_id=plan.pk, institution_id=world.colony_a.pk
        )


def test_an_institution_of_another_region_cannot_be_planned(world: World) -> None:
    plan = planning.propose_plan(user=world.monitor_a, group_id=world.group_a.pk, year=TODAY.year)
    with pytest.raises(Invalid, match="outside this group's region"):
        planning.add_to_plan(user=world.monitor_a, plan_id=plan.pk, institution_id=world.ivs_b.pk)


def test_a_visit_within_four_years_takes_the_institution_out_of_next_years_duty(
    world: World,
) -> None:
    due = {i.code for i in planning.required(world.group_a, TODAY.year)}
    assert due == {world.ivs_a.code, world.colony_a.code}
