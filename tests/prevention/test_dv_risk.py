"""Domestic-violence risk: scored item by item from reference data, raised (never lowered) by
the assessor's judgement, re-assessment due after a new domestic call, and a high level warns
the operational centres on any new call from the address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from senim.core.errors import Forbidden, Invalid
from senim.core.models import AuditEntry
from senim.ops.intake import intake
from senim.prevention import selectors, services
from senim.prevention.models import DvAssessment, DvRiskItem, DvRiskLevel
from senim.register.models import Appeal
from tests.prevention.conftest import VALID_IIN, Place, dv_form

SEVERE = {"strangulation", "weapon", "threat_to_kill", "escalating"}  # weights 4+4+3+3 = 14


def test_the_score_is_the_sum_of_the_weights_answered_yes_and_gives_the_level(
    place: Place,
) -> None:
    weights = dict(DvRiskItem.objects.values_list("code", "weight"))
    low = services.dv_assess(user=place.inspector, form=dv_form(place, {"separation"}))
    assert low.score == weights["separation"] and low.level.code == "standard"
    high = services.dv_assess(user=place.inspector, form=dv_form(place, SEVERE))
    assert high.score == sum(weights[c] for c in SEVERE)
    assert high.level == high.computed_level == DvRiskLevel.objects.get(code="high")
    assert high.answers == {code: code in SEVERE for code in weights}
    entry = AuditEntry.objects.filter(model="prevention.DvAssessment", object_pk=str(high.pk))
    assert entry.get().details == {"score": high.score, "level": "high", "computed": "high"}


@pytest.mark.django_db
def test_levels_follow_the_thresholds_kept_as_reference_data() -> None:
    levels = list(DvRiskLevel.objects.order_by("min_score"))
    for level in levels:
        assert services.level_for(level.min_score, levels) == level
        if level.min_score:
            assert services.level_for(level.min_score - 1, levels) != level


def test_the_assessor_may_raise_the_level_with_a_reason_and_never_lower_it(place: Place) -> None:
    with pytest.raises(Invalid) as error:
        services.dv_assess(user=place.inspector, form=dv_form(place, raise_to="high"))
    assert error.value.field == "raised_because"
    raised = services.dv_assess(
        user=place.inspector,
        form=dv_form(place, raise_to="high", raised_because="Children say he has a gun."),
    )
    assert raised.computed_level.code == "standard" and raised.level.code == "high"
    with pytest.raises(Invalid) as error:
        services.dv_assess(user=place.inspector, form=dv_form(place, SEVERE, raise_to="standard"))
    assert error.value.field == "raise_to"
    with pytest.raises(Invalid):
        services.dv_assess(user=place.inspector, form=dv_form(place, raise_to="catastrophic"))
    assert DvAssessment.objects.count() == 1


def test_an_assessment_with_unanswered_items_names_every_one_and_stores_nothing(
    place: Place,
) -> None:
    form = dv_form(place)
    del form["item_weapon"], form["item_separation"]
    form["item_alcohol_drugs"] = "maybe"
    with pytest.raises(Invalid) as error:
        services.dv_assess(user=place.inspector, form=form)
    fields = {f for f, _ in error.value.all}
    assert fields == {"item_weapon", "item_separation", "item_alcohol_drugs"}
    assert not DvAssessment.objects.exists()


def test_bad_people_and_places_are_refused(place: Place) -> None:
    for change, field in (
        ({"victim_iin": "123"}, "victim_iin"),
        ({"offender_iin": "900101300018"}, "offender_iin"),
        ({"lat": "51.128", "lon": "71.43"}, "lat"),
        ({"address": "x" * 301}, "address"),
    ):
        with pytest.raises(Invalid) as error:
            services.dv_assess(user=place.inspector, form=dv_form(place, **change))
        assert error.value.field == field
    with pytest.raises(Forbidden):
        services.dv_assess(user=place.inspector, form=dv_form(place, sector=place.s2.code))
    assert not DvAssessment.objects.exists()
    ok = services.dv_assess(user=place.inspector, form=dv_form(place, victim_iin=VALID_IIN))
    assert ok.victim is not None and ok.offender is None


def _call(place: Place, n: int, *, lat: float, lon: float, category: str = "domestic_conflict"):
    (outcome,) = intake(
        user=place.duty,
        rows=[
            {
                "source_system": "102",
                "external_id": f"DV-{n}",
                "channel": "call_102",
                "category": category,
                "lat": lat,
                "lon": lon,
            }
        ],
    )
    assert outcome.status == 201, outcome.errors
    return Appeal.objects.get(pk=outcome.id)


def test_a_high_risk_address_warns_on_a_new_call_and_asks_for_re_assessment(
    place: Place,
) -> None:
    form = dv_form(place, SEVERE)
    lat, lon = float(form["lat"]), float(form["lon"])
    high = services.dv_assess(user=place.inspector, form=form)
    elsewhere = _call(place, 1, lat=lat + 0.01, lon=lon)
    assert "dv" not in elsewhere.warnings
    here = _call(place, 2, lat=lat, lon=lon)
    assert here.warnings["dv"] == high.pk
    (risk,) = selectors.place_risks(DvAssessment.objects.all(), now=timezone.now())
    assert risk.calls_since == 1 and risk.reassess_due
    # A later assessment at a lower level lifts the warning: the latest one counts.
    services.dv_assess(user=place.inspector, form=dv_form(place, {"separation"}))
    assert "dv" not in _call(place, 3, lat=lat, lon=lon).warnings


def test_an_assessment_older_than_a_year_no_longer_warns(place: Place) -> None:
    old = services.dv_assess(
        user=place.inspector,
        form=dv_form(place, SEVERE),
        now=timezone.now() - dt.timedelta(days=400),
    )
    assert selectors.dv_warnings([old.place_key]) == {}
    assert selectors.dv_warnings([old.place_key], at=old.assessed_at + dt.timedelta(days=1))


def test_a_third_domestic_call_from_an_unassessed_address_is_listed_for_assessment(
    place: Place,
) -> None:
    lat, lon = place.d1.lat + 0.0005, place.d1.lon + 0.0005
    for n in range(3):
        _call(place, 10 + n, lat=lat, lon=lon)
    _call(place, 20, lat=lat, lon=lon, category="noise")  # not domestic
    Appeal.objects.update(sector=place.s1)
    (row,) = selectors.passport(place.s1).escalations
    assert row["n"] == 3
    services.dv_assess(
        user=place.inspector, form=dv_form(place, lat=f"{lat:.6f}", lon=f"{lon:.6f}")
    )
    assert selectors.passport(place.s1).escalations == []
