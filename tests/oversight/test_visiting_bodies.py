"""The Ombudsman's and the representatives' visits beside the NPM's: who may record what, the
sanctions that follow recommendations, and bad input refused by its field with nothing stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from senim.core.errors import UseCaseError
from senim.core.models import User
from senim.oversight import bodies, services, tables
from senim.oversight.models import Body, BodyKind, Recommendation, Sanction, Visit
from tests.oversight.conftest import World, institution, term

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def rep(world: World, make_user: Callable[..., User]) -> tuple[Body, User]:
    body = Body.objects.get(kind=BodyKind.REPRESENTATIVE, region=world.group_a.region)
    user = make_user("npm_monitor")
    term(body, "Representative A", user)
    return body, user


@pytest.fixture
def ombudsman(world: World, make_user: Callable[..., User]) -> tuple[Body, User]:
    body = Body.objects.get(kind=BodyKind.OMBUDSMAN)
    user = make_user("npm_monitor")
    term(body, "The Ombudsman", user)
    return body, user


def _visit(body: Body, user: User, inst_id: int, **extra: Any) -> Visit:
    args: dict[str, Any] = {
        "user": user,
        "group_id": body.pk,
        "institution_id": inst_id,
        "visited_on": YESTERDAY,
        "unannounced": True,
        "team_ids": list(body.members.values_list("pk", flat=True)),
        "recommendations": [
            services.RecommendationIn("Repair the terminal.", TODAY + dt.timedelta(30))
        ],
    }
    return services.record_visit(**(args | extra))


def test_a_representatives_visit_counts_apart_from_the_npms(
    world: World, rep: tuple[Body, User]
) -> None:
    body, user = rep
    visit = _visit(body, user, world.ivs_a.pk)
    assert visit.body_kind == "representative"
    lines = {x.kind: x for x in bodies.by_body(user=world.admin, year=TODAY.year)}
    assert (lines["representative"].visits, lines["representative"].recommendations) == (1, 1)
    assert lines["group"].visits == 0
    assert tables.recommendation_matrix(user=world.admin, year=TODAY.year).total.sent == 0
    # The representative sees their own visit, not the NPM group's of the same region.
    assert list(bodies.visits_of(services.scope.access_for(user), year=TODAY.year)) == [visit]


def test_the_ombudsman_visits_any_region_and_a_place_outside_the_register(
    world: World, ombudsman: tuple[Body, User], territory: Any
) -> None:
    body, user = ombudsman
    other = institution("other_place", territory.region_b, active=False)
    visit = _visit(
        body,
        user,
        other.pk,
        recommendations=[services.RecommendationIn("Fix it.", TODAY + dt.timedelta(30))],
    )
    assert visit.recommendations.get().agency == "other"
    # An NPM group may not visit a place off the register.
    with pytest.raises(UseCaseError) as refused:
        _visit(world.group_b, world.monitor_b, other.pk, team_ids=[world.member_b.pk])
    assert refused.value.field == "institution"


def test_recording_for_a_body_one_does_not_serve_in_is_refused(
    world: World, rep: tuple[Body, User], ombudsman: tuple[Body, User]
) -> None:
    rep_body, rep_user = rep
    omb_body, _omb_user = ombudsman
    with pytest.raises(UseCaseError) as refused:
        _visit(omb_body, rep_user, world.ivs_a.pk, team_ids=[])
    assert refused.value.status == 403
    # A council member records for NPM groups, not for the representatives.
    with pytest.raises(UseCaseError) as refused:
        _visit(rep_body, world.council_user, world.ivs_a.pk)
    assert refused.value.status == 403
    assert not Visit.objects.exists()


@pytest.mark.parametrize("group", ["council", "missing"])
def test_an_unknown_visiting_body_is_refused_by_its_field(world: World, group: str) -> None:
    body_id = Body.objects.get(kind="council").pk if group == "council" else 999_999
    with pytest.raises(UseCaseError) as refused:
        _visit(world.group_a, world.council_user, world.ivs_a.pk, group_id=body_id)
    assert (refused.value.field, refused.value.status) == ("group", 422)


def test_a_visit_in_the_future_is_refused(world: World, rep: tuple[Body, User]) -> None:
    body, user = rep
    with pytest.raises(UseCaseError) as refused:
        _visit(body, user, world.ivs_a.pk, visited_on=TODAY + dt.timedelta(days=2))
    assert refused.value.field == "visited_on"
    assert not Visit.objects.exists()


def test_sanctions_follow_a_recommendation_and_bad_ones_are_refused(
    world: World, rep: tuple[Body, User]
) -> None:
    body, user = rep
    rec = _visit(body, user, world.ivs_a.pk).recommendations.get()
    made = bodies.add_sanction(
        user=user,
        recommendation_id=rec.pk,
        kind="disciplinary",
        decided_on=TODAY,
        official="Deputy head",
    )
    assert made.recommendation == rec
    cases: list[tuple[dict[str, Any], str]] = [
        ({"recommendation_id": 999_999}, "recommendation"),
        ({"kind": "shot"}, "kind"),
        ({"decided_on": TODAY + dt.timedelta(days=1)}, "decided_on"),
        ({"decided_on": YESTERDAY - dt.timedelta(days=3)}, "decided_on"),
        ({"official": "x" * 301}, "official"),
    ]
    for change, field in cases:
        args: dict[str, Any] = {
            "user": user,
            "recommendation_id": rec.pk,
            "kind": "administrative",
            "decided_on": TODAY,
        }
        with pytest.raises(UseCaseError) as refused:
            bodies.add_sanction(**(args | change))
        assert refused.value.field == field, change
    # Another group's member may not add one.
    with pytest.raises(UseCaseError) as refused:
        bodies.add_sanction(
            user=world.monitor_b, recommendation_id=rec.pk, kind="disciplinary", decided_on=TODAY
        )
    assert refused.value.status in {403, 404}
    assert Sanction.objects.count() == 1
    line = next(
        x for x in bodies.by_body(user=world.admin, year=TODAY.year) if x.kind == "representative"
    )
    assert line.sanctions == {"disciplinary": 1, "administrative": 0, "pre_trial": 0}


def test_the_pages_refuse_bad_input_without_a_500(
    world: World, rep: tuple[Body, User], make_user: Callable[..., User]
) -> None:
    body, user = rep
    rec = _visit(body, user, world.ivs_a.pk).recommendations.get()
    client = Client()
    client.force_login(user)
    url = f"/oversight/recommendations/{rec.pk}/sanctions/"
    for data in (
        {"kind": "disciplinary", "decided_on": "not a date"},
        {"kind": "disciplinary", "decided_on": (TODAY + dt.timedelta(days=3)).isoformat()},
        {"kind": "nonsense", "decided_on": TODAY.isoformat()},
    ):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert "alert--error" in response.content.decode()
    missing = client.post(
        "/oversight/recommendations/999999/sanctions/",
        {"kind": "disciplinary", "decided_on": TODAY.isoformat()},
        follow=True,
    )
    assert missing.status_code == 200 and "alert--error" in missing.content.decode()
    assert not Sanction.objects.exists()
    # The body page: an unknown body or year is refused on the page, not with a 500.
    assert client.get("/oversight/bodies/?body=martians", follow=True).status_code == 200
    assert client.get("/oversight/bodies/?year=abc", follow=True).status_code == 200
    # A police role may not post a sanction at all.
    police = Client()
    police.force_login(make_user("duty_officer"))
    assert (
        police.post(url, {"kind": "disciplinary", "decided_on": TODAY.isoformat()}).status_code
        == 403
    )
    assert police.get("/oversight/bodies/").status_code == 403
    assert Recommendation.objects.count() == 1


def test_the_form_records_a_representatives_visit(world: World, rep: tuple[Body, User]) -> None:
    body, user = rep
    client = Client()
    client.force_login(user)
    form = client.get(f"/oversight/visits/new/?group={body.pk}")
    assert form.status_code == 200 and "Other institutions" in form.content.decode()
    response = client.post(
        "/oversight/visits/new/",
        {
            "group": body.pk,
            "institution": world.ivs_a.pk,
            "visited_on": YESTERDAY.isoformat(),
            "team": [m.pk for m in body.members.all()],
            "rec_0_text": "Install a ramp.",
            "rec_0_due_on": (TODAY + dt.timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.group == body and visit.recommendations.count() == 1
    detail = client.get(f"/oversight/visits/{visit.pk}/").content.decode()
    assert "Ombudsman&#x27;s representative" in detail or "Ombudsman's representative" in detail
    # The future is refused by the form with the field named.
    again = client.post(
        "/oversight/visits/new/",
        {
            "group": body.pk,
            "institution": world.ivs_a.pk,
            "visited_on": (TODAY + dt.timedelta(days=5)).isoformat(),
            "team": [m.pk for m in body.members.all()],
        },
    )
    assert again.status_code == 422 and 'data-field="visited_on"' in again.content.decode()


def test_the_api_reads_the_bodies_and_records_a_sanction(
    world: World, rep: tuple[Body, User]
) -> None:
    body, user = rep
    rec = _visit(body, user, world.ivs_a.pk).recommendations.get()
    client = Client()
    client.force_login(user)
    read = client.get(f"/api/oversight/bodies?year={TODAY.year}")
    assert read.status_code == 200
    lines = {x["kind"]: x for x in read.json()["bodies"]}
    assert lines["representative"]["visits"] == 1
    assert client.get("/api/oversight/bodies?year=99999").status_code == 422
    url = f"/api/oversight/recommendations/{rec.pk}/sanctions"
    made = client.post(
        url,
        {"kind": "disciplinary", "decided_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    bad = client.post(
        url,
        {"kind": "disciplinary", "decided_on": (TODAY + dt.timedelta(days=9)).isoformat()},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "decided_on"
    missing = client.post(
        "/api/oversight/recommendations/99999999999999999999/sanctions",
        {"kind": "disciplinary", "decided_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert missing.status_code in {404, 422}
    assert Sanction.objects.count() == 1
