"""A problem case through SARA: the register's incidents in its area suggested and confirmed,
each stage opened only when the one before has what the method needs, tasks within the
response, and the assessment by the analytics centre's evaluation of measures, stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import QueryDict
from django.utils import timezone

from senim.analysis import measures
from senim.core.errors import Forbidden, Invalid, NotFound
from senim.core.models import AuditEntry
from senim.prevention import sara
from senim.prevention.models import Problem
from senim.register.models import Appeal, Article, Offence
from tests.prevention.conftest import METRES, Place, plant_offences
from tests.prevention.conftest import offence as _offence


def _form(place: Place, **extra: Any) -> dict[str, str]:
    return {
        "sector": place.s1.code,
        "title": "Thefts at the bus stop",
        "origin": "repeat_place",
        "lat": f"{place.d1.lat:.6f}",
        "lon": f"{place.d1.lon:.6f}",
        "radius_m": "150",
        "description": "Phones stolen from people waiting for the evening buses.",
    } | {k: str(v) for k, v in extra.items()}


def _post(data: dict[str, Any]) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in data.items():
        q.setlist(key, value if isinstance(value, list) else [value])
    return q


def test_opening_a_case_suggests_the_register_incidents_in_its_area(place: Place) -> None:
    now = timezone.now()
    lat, lon = place.d1.lat, place.d1.lon
    inside = _offence(place, lat=lat + 50 * METRES, lon=lon, at=now - dt.timedelta(days=20))
    _offence(place, lat=lat + 400 * METRES, lon=lon, at=now - dt.timedelta(days=20))  # outside
    _offence(place, lat=lat, lon=lon, at=now - dt.timedelta(days=400))  # older than a year
    call = Appeal.objects.create(
        source_system="test", external_id="A-1", channel="call_102", category="public_order",
        status="closed", received_at=now - dt.timedelta(days=3), lat=lat, lon=lon,
        region=place.almaty, district=place.d1, sector=place.s1,
    )  # fmt: skip
    problem = sara.problem_open(user=place.inspector, form=_form(place))
    linked = {(i.offence_id, i.appeal_id, i.confirmed) for i in problem.incidents.all()}
    assert linked == {(inside.pk, None, False), (None, call.pk, False)}
    assert problem.stage == "scanning" and problem.scanning_at is not None
    entry = AuditEntry.objects.get(model="prevention.Problem", action="open")
    assert entry.details == {"sector": place.s1.code, "origin": "repeat_place", "suggested": 2}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"origin": "gossip"}, "origin"),
        ({"radius_m": "5"}, "radius_m"),
        ({"radius_m": "wide"}, "radius_m"),
        ({"lat": "51.128", "lon": "71.43"}, "lat"),
        ({"description": "x\x00"}, "description"),
    ],
)
def test_a_bad_case_is_refused_by_field(place: Place, change: dict[str, str], field: str) -> None:
    with pytest.raises(Invalid) as error:
        sara.problem_open(user=place.inspector, form=_form(place, **change))
    assert error.value.field == field and not Problem.objects.exists()


def test_a_case_outside_the_sector_is_refused_and_invisible(place: Place) -> None:
    with pytest.raises(Forbidden):
        sara.problem_open(user=place.inspector, form=_form(place, sector=place.s1b.code))
    theirs = sara.problem_open(user=place.colleague, form=_form(place, sector=place.s1b.code))
    assert not sara.problems(place.inspector).filter(pk=theirs.pk).exists()
    with pytest.raises(NotFound):
        sara.advance(user=place.inspector, pk=theirs.pk, form={})


def test_each_stage_needs_what_the_method_needs_and_tasks_stay_within_the_response(
    place: Place,
) -> None:
    now = timezone.now()
    _offence(place, lat=place.d1.lat, lon=place.d1.lon, at=now - dt.timedelta(days=5))
    p = sara.problem_open(user=place.inspector, form=_form(place))
    user, today = place.inspector, timezone.localdate()
    with pytest.raises(Invalid, match="Confirm at least one incident"):
        sara.advance(user=user, pk=p.pk, form={})
    with pytest.raises(Invalid):  # a question of a later stage
        sara.answer(user=user, pk=p.pk, form={"q_re_who": "us"})
    sara.answer(user=user, pk=p.pk, form={"q_scan_nature": "Phone thefts", "goal": "Halve them"})
    sara.confirm_incidents(
        user=user, pk=p.pk, form=_post({"incident": [str(p.incidents.get().pk)]})
    )
    sara.advance(user=user, pk=p.pk, form={})
    with pytest.raises(Invalid, match="three sides"):
        sara.advance(user=user, pk=p.pk, form={})
    sara.triangle_set(
        user=user,
        pk=p.pk,
        form={
            "offender_description": "Teenagers from the market",
            "offender_controller": "Parents, the school",
            "target_description": "Commuters with phones in hand",
            "target_controller": "Commuters themselves, the bus company",
            "place_description": "Dark bus stop, no camera",
            "place_controller": "The akimat's transport department",
        },
    )
    with pytest.raises(Invalid) as error:
        sara.advance(user=user, pk=p.pk, form={})
    assert error.value.field == "response_ends_on"
    ends = today + dt.timedelta(days=60)
    sara.advance(user=user, pk=p.pk, form={"response_ends_on": ends.isoformat()})
    with pytest.raises(Invalid, match="Plan at least one task"):
        sara.advance(user=user, pk=p.pk, form={})
    task = {"text": "Lighting at the stop", "owner_kind": "partner", "owner_name": "Akimat"}
    with pytest.raises(Invalid, match="after the response ends") as error:
        sara.task_add(
            user=user, pk=p.pk, form=task | {"due_on": (ends + dt.timedelta(days=1)).isoformat()}
        )
    with pytest.raises(Invalid, match="in the past"):
        sara.task_add(user=user, pk=p.pk, form=task | {"due_on": "2020-01-01"})
    with pytest.raises(Invalid) as error:
        sara.task_add(
            user=user, pk=p.pk, form=task | {"owner_kind": "wizard", "due_on": ends.isoformat()}
        )
    assert error.value.field == "owner_kind"
    added = sara.task_add(user=user, pk=p.pk, form=task | {"due_on": ends.isoformat()})
    sara.task_close(user=user, pk=p.pk, task_id=added.pk, status="done")
    sara.advance(user=user, pk=p.pk, form={})
    p.refresh_from_db()
    assert p.stage == "assessment"
    assert p.scanning_at <= p.analysis_at <= p.response_at <= p.assessment_at  # type: ignore[operator]
    with pytest.raises(Invalid, match="Evaluate the effect"):
        sara.advance(user=user, pk=p.pk, form={})
    rubric = dict(sara.rubric(p))
    assert list(rubric.values()) == [False, True, False, False]


def _assessment_ready(place: Place) -> tuple[Problem, float, float]:
    """A case at assessment whose response started 120 days ago, with offences planted."""
    start, control_lat, control_lon = plant_offences(place)
    p = sara.problem_open(user=place.inspector, form=_form(place))
    Problem.objects.filter(pk=p.pk).update(
        stage="assessment",
        analysis_at=start - dt.timedelta(days=30),
        response_at=start,
        assessment_at=timezone.now(),
    )
    p.refresh_from_db()
    return p, control_lat, control_lon


def test_the_assessment_is_the_analytics_centres_evaluation_stored_with_the_case(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    p, control_lat, control_lon = _assessment_ready(place)
    with pytest.raises(Invalid) as error:  # a control on top of the target
        sara.assess(user=place.inspector, pk=p.pk, form={"lat": str(p.lat), "lon": str(p.lon)})
    assert error.value.field == "control" and Problem.objects.get(pk=p.pk).evaluation == {}
    calls: list[str] = []
    judge = measures.judge
    monkeypatch.setattr(measures, "judge", lambda *a, **k: calls.append("judge") or judge(*a, **k))
    stored = sara.assess(
        user=place.inspector,
        pk=p.pk,
        form={"lat": f"{control_lat:.6f}", "lon": f"{control_lon:.6f}"},
    )
    # The same area and dates through the analytics centre's function give the same verdict.
    verdict, n = measures.evaluate_places(
        user=place.inspector,
        region_id=p.region_id,
        district_id=p.district_id,
        target=measures.Place(p.lat, p.lon, p.radius_m),
        control=measures.Place(
            float(f"{control_lat:.6f}"), float(f"{control_lon:.6f}"), p.radius_m
        ),
        start=timezone.localdate(p.response_at),
        end=sara.default_end(place.inspector, p, now=timezone.now()),
    )
    assert stored == sara.summary(verdict, n, control=(control_lat, control_lon))
    assert calls == ["judge", "judge"]  # both went through the one implementation
    assert stored["target"][0] > stored["target"][1]  # fewer offences after, as planted
    assert stored["verdict"] in {"effect", "no_effect", "inconclusive"}
    sara.advance(user=place.inspector, pk=p.pk, form={})
    p.refresh_from_db()
    assert p.stage == "closed" and p.closed_at is not None and p.evaluation == stored
    with pytest.raises(Invalid, match="closed"):
        sara.answer(user=place.inspector, pk=p.pk, form={"q_as_next": "more"})


def test_the_district_evaluation_goes_through_the_same_judge(
    place: Place, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now()
    for day in range(1, 200, 3):
        _offence(place, lat=place.d1.lat, lon=place.d1.lon, at=now - dt.timedelta(days=day))
        Offence.objects.create(
            source_system="test", external_id=f"D2-{day}", kind="crime",
            article=Article.objects.first(), occurred_at=now - dt.timedelta(days=day),
            registered_at=now - dt.timedelta(days=day), place_type="street", status="registered",
            region=place.almaty, district=place.d2, lat=place.d2.lat, lon=place.d2.lon,
        )  # fmt: skip
    calls: list[str] = []
    judge = measures.judge
    monkeypatch.setattr(measures, "judge", lambda *a, **k: calls.append("judge") or judge(*a, **k))
    measures.evaluate_measure(
        user=place.admin,
        target=place.d1.code,
        control=place.d2.code,
        start=timezone.localdate() - dt.timedelta(days=60),
        end=timezone.localdate() - dt.timedelta(days=1),
    )
    assert calls == ["judge"]
