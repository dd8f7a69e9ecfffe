"""Fixtures of the integrity tests: two units of Almaty and one of Astana, officers' files in
them, and the users who work complaints, files and early intervention."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from senim.core.models import District, Officer, Region, Unit, User
from senim.integrity.models import Duty, OfficerFile, Rank
from tests.ops.conftest import make_user


@dataclass(frozen=True)
class Staff:
    almaty: Region
    astana: Region
    d1: District
    unit1: Unit  # Almaty, district d1
    unit2: Unit  # Almaty, district d2
    unit_astana: Unit
    a1: OfficerFile  # in unit1
    a2: OfficerFile  # in unit1
    b1: OfficerFile  # in unit2
    c1: OfficerFile  # in Astana
    security: User  # internal security of Almaty
    supervisor: User  # unit commander of Almaty
    psychologist: User
    analyst: User
    inspector: User  # an officer's own account (a1's)


def officer_file(badge: str, unit: Unit, **extra: Any) -> OfficerFile:
    officer = Officer.objects.create(badge_number=badge, unit=unit)
    values: dict[str, Any] = {
        "sex": "M",
        "birth_year": 1990,
        "rank": Rank.CAPTAIN,
        "duty": Duty.PATROL,
        "service_since": dt.date(2012, 9, 1),
        "post_since": dt.date(2023, 3, 1),
    } | extra
    return OfficerFile.objects.create(
        officer=officer, unit=unit, region=unit.region, district=unit.district, **values
    )


def unit_of(district: District) -> Unit:
    return Unit.objects.create(
        kind="district_department",
        name_kk=f"{district.name_kk} ПБ",
        name_ru=f"УП {district.name_ru}",
        name_en=f"{district.name_en} police department",
        region=district.region,
        district=district,
    )


@pytest.fixture
def staff(db: Any) -> Staff:
    almaty = Region.objects.get(iso="KZ-75")
    astana = Region.objects.get(iso="KZ-71")
    d1, d2 = list(District.objects.filter(region=almaty).order_by("code")[:2])
    da = District.objects.filter(region=astana).order_by("code").first()
    unit1, unit2, unit_astana = unit_of(d1), unit_of(d2), unit_of(da)
    a1 = officer_file("T-00001", unit1)
    inspector = make_user("own", "district_inspector", region=almaty, district=d1)
    return Staff(
        almaty=almaty,
        astana=astana,
        d1=d1,
        unit1=unit1,
        unit2=unit2,
        unit_astana=unit_astana,
        a1=a1,
        a2=officer_file("T-00002", unit1, sex="F", duty=Duty.DISTRICT_INSPECTOR),
        b1=officer_file("T-00003", unit2),
        c1=officer_file("T-00004", unit_astana),
        security=make_user("security", "internal_security", region=almaty),
        supervisor=make_user("commander", "supervisor", region=almaty),
        psychologist=make_user("psy", "psychologist", region=almaty),
        analyst=make_user("analyst", "national_analyst"),
        inspector=inspector,
    )


def complaint_form(staff: Staff, **extra: Any) -> dict[str, str]:
    return {
        "kind": "rudeness",
        "source": "e_otinish",
        "received_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "unit": str(staff.unit1.pk),
        "officers": "T-00001",
        "complainant_name": "Aigerim S.",
        "complainant_contact": "+7 701 000 00 00",
        "summary": "The officer shouted at me at the checkpoint.",
    } | {k: str(v) for k, v in extra.items()}


from tests.web.test_browser_drilldown import (  # noqa: E402, F401 (the browser tests' fixtures)
    audit_log_flushable,
    page,
    static_from_the_project,
)
