"""The early-intervention run over a synthetic roster: a model judged on the past against the
rules and audited for fairness, today's flags with their reasons, and the supervisor's decision
on a flag; a model that fails the audit is not used."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from senim.core.errors import Invalid
from senim.integrity import demo_data, early, features, services
from senim.integrity.models import Intervention, OfficerFile, RiskFlag, RiskModel
from tests.integrity.conftest import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(staff: Staff) -> dict[str, int]:
    """400 synthetic officers in the fixture's three units, five years of history, one run."""
    return demo_data.build(seed=5, years=[], size=400)


def test_the_run_judges_the_model_against_the_rules_and_flags_with_reasons(
    roster: dict[str, int],
) -> None:
    model = RiskModel.objects.get()
    assert model.status == "active" and model.fairness["passed"]
    evaluation = model.evaluation
    # Each labelled year predicted by a model trained on the years before it only.
    assert (
        evaluation["periods"] == sorted(evaluation["periods"]) and len(evaluation["periods"]) >= 2
    )
    assert evaluation["rules_flags"] > 0 and evaluation["ratio_vs_rules"] is not None
    assert [a["share"] for a in evaluation["at"]] == [0.01, 0.05, 0.10]
    flags = RiskFlag.objects.all()
    assert flags.count() == roster["early_intervention_flags"] > 0
    by_model = flags.filter(by_model=True)
    serving = OfficerFile.objects.filter(status="serving").count()
    assert by_model.count() == round(early.FLAG_SHARE * serving) or by_model.count() <= serving
    assert all(f.reasons and f.reasons[0]["contribution"] > 0 for f in by_model)
    for flag in flags.filter(by_rules=True)[:20]:
        assert flag.rules and all(r["value"] >= r["at_least"] for r in flag.rules)


def test_features_count_only_what_happened_before_the_date(roster: dict[str, int]) -> None:
    files = list(OfficerFile.objects.order_by("pk"))
    events = features.load(files)
    today = timezone.localdate()
    now_x = features.matrix(events, today)
    column = features.NAMES.index("complaints_all_365d")
    officer = next(i for i in range(len(files)) if now_x[i, column] > 0)
    complaints = files[officer].complaints.order_by("-received_at")
    last = timezone.localdate(complaints.first().received_at)  # type: ignore[union-attr]
    on_the_day = features.matrix(events, last)[officer, column]
    after = features.matrix(events, last + dt.timedelta(days=1))[officer, column]
    assert (
        after
        == on_the_day
        + complaints.filter(received_at__date__gte=last).count()
        - complaints.filter(received_at__date__gt=last).count()
    )
    assert after > on_the_day


def test_a_model_that_fails_the_fairness_audit_is_blocked_and_the_rules_alone_flag(
    staff: Staff, monkeypatch: Any
) -> None:
    failed = SimpleNamespace(
        passed=False,
        band=(0.8, 1.25),
        failures=(SimpleNamespace(attribute="sex", group="F", metric="fpr", ratio=2.1),),
        warnings=(
            SimpleNamespace(attribute="region", group="7", metric="fpr", ratio=0.4, p_value=0.01),
        ),
        groups=(),
    )
    monkeypatch.setattr(early, "fairness_audit", lambda *a, **k: failed)
    demo_data.build(seed=5, years=[], size=400)
    model = RiskModel.objects.get()
    assert model.status == "blocked" and model.fairness["failures"][0]["group"] == "F"
    # A group flagged wrongly less often is kept with the audit as a warning, not a failure.
    assert model.fairness["warnings"][0]["group"] == "7"
    assert RiskFlag.objects.exists()
    assert not RiskFlag.objects.filter(by_model=True).exists()
    assert RiskFlag.objects.filter(model__isnull=False).count() == 0


def test_the_supervisor_decides_on_a_flag_and_bad_decisions_change_nothing(
    staff: Staff, roster: dict[str, int], client
) -> None:
    flag = services.flags_in_scope(staff.supervisor).first()
    assert flag is not None and flag.officer.region_id == staff.almaty.pk
    today = timezone.localdate().isoformat()
    with pytest.raises(Invalid, match="Say why"):
        services.intervention_record(
            user=staff.supervisor,
            pk=flag.pk,
            form={"kind": "no_action", "reason": "", "decided_on": today},
        )
    with pytest.raises(Invalid, match="no action"):
        services.intervention_record(
            user=staff.supervisor,
            pk=flag.pk,
            form={"kind": "talk", "reason": "x", "flag_was_wrong": "1", "decided_on": today},
        )
    assert not Intervention.objects.exists()
    client.force_login(staff.supervisor)
    url = reverse("integrity-flag", args=[flag.pk])
    assert client.get(reverse("integrity-early")).status_code == 200
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "action": "decide",
            "kind": "talk",
            "reason": "Overtime and two complaints: a talk.",
            "decided_on": today,
        },
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    flag.refresh_from_db()
    assert flag.status == "decided" and intervention.decided_by == staff.supervisor.username
    client.post(url, {"action": "outcome", "intervention": intervention.pk, "outcome": "improved"})
    flag.refresh_from_db()
    assert flag.status == "closed"
    assert client.get(reverse("integrity-model")).status_code == 200


def test_flags_of_other_regions_and_other_roles_are_out_of_reach(
    staff: Staff, roster: dict[str, int], client
) -> None:
    outside = RiskFlag.objects.exclude(officer__region=staff.almaty).first()
    client.force_login(staff.supervisor)
    if outside is not None:
        assert client.get(reverse("integrity-flag", args=[outside.pk])).status_code == 404
    inside = RiskFlag.objects.filter(officer__region=staff.almaty).first()
    assert inside is not None
    for user in (staff.inspector, staff.psychologist, staff.analyst):
        client.force_login(user)
        assert client.get(reverse("integrity-early")).status_code == 403
        assert client.get(reverse("integrity-flag", args=[inside.pk])).status_code == 403
        assert client.get(reverse("integrity-model")).status_code == 403
