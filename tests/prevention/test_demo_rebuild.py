"""A demo rebuild removes its offences and appeals in plain SQL; rows of other apps that point at
them (a real problem case's incidents) go the way the ORM's cascade would take them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from senim.demo.builder import build
from senim.prevention.models import Problem, ProblemIncident
from senim.register.models import Offence

pytestmark = pytest.mark.django_db


def test_a_rebuild_survives_a_real_case_linking_demo_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("senim.demo.builder.app_hooks", lambda: [])
    last = timezone.localdate().year - 1
    build(seed=1, scale=0.005, years=[last])
    offence = Offence.objects.filter(source_system="demo", sector__isnull=False).first()
    assert offence is not None and offence.sector is not None
    problem = Problem.objects.create(
        title="Real case",
        region_id=offence.region_id,
        district_id=offence.district_id,  # type: ignore[misc]
        sector=offence.sector,
        lat=offence.lat or 0.0,
        lon=offence.lon or 0.0,
        radius_m=100,
        origin="inspector",
        description="A real case that linked a demo offence.",
        scanning_at=timezone.now(),
    )
    ProblemIncident.objects.create(
        problem=problem, offence=offence, at=offence.registered_at, reason="manual", confirmed=True
    )
    build(seed=2, scale=0.005, years=[last], force=True)
    assert Problem.objects.filter(pk=problem.pk).exists()  # the case stays, real as it is
    assert not ProblemIncident.objects.filter(problem=problem).exists()
