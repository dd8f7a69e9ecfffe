"""The demo users, one per role, all with the password "senim-demo" (docs/demo.md)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password

from senim.core.models import District, Region, Role, Sector, User
from senim.demo.common import DEMO_CITY, PASSWORD


def build_users() -> list[User]:
    city = Region.objects.get(iso=DEMO_CITY)
    district = District.objects.filter(region=city).order_by("code").first()
    sector = Sector.objects.filter(district=district).order_by("code").first()
    inspector = sector.inspector if sector else None
    scopes: dict[str, Any] = {"region": None, "district": None, "sector": None, "officer": None}
    specs: list[tuple[str, str, dict[str, Any]]] = [
        ("analyst", Role.NATIONAL_ANALYST, {}),
        ("almaty_analyst", Role.REGIONAL_ANALYST, {"region": city}),
        (
            "inspector",
            Role.DISTRICT_INSPECTOR,
            {"region": city, "district": district, "sector": sector, "officer": inspector},
        ),
        ("duty", Role.DUTY_OFFICER, {"region": city, "district": district}),
        # The operational centres: Centre (no territory), the demo oblast's centre, and one
        # duty officer per district of the demo city (duty_<district code tail>).
        ("centre", Role.DUTY_OFFICER, {}),
        ("oblast_duty", Role.DUTY_OFFICER, {"region": city}),
        *(
            (
                f"duty_{d.code.rsplit('-', 1)[-1].lower()}",
                Role.DUTY_OFFICER,
                {"region": city, "district": d},
            )
            for d in District.objects.filter(region=city).order_by("code")
        ),
        ("prosecutor", Role.PROSECUTOR, {"region": city}),
        ("npm", Role.NPM_MONITOR, {}),
        # Integrity: internal security and a unit commander of the demo city, a psychologist.
        ("security", Role.INTERNAL_SECURITY, {"region": city}),
        ("commander", Role.SUPERVISOR, {"region": city}),
        ("psychologist", Role.PSYCHOLOGIST, {"region": city}),
        ("admin", Role.ADMINISTRATOR, {"is_superuser": True, "is_staff": True}),
    ]
    # One hash for all: the password hasher is deliberately slow.
    password = make_password(PASSWORD)
    users = []
    for username, role, extra in specs:
        if extra.get("officer") is not None:
            # The officer may have been linked to another demo user by an earlier layout.
            User.objects.filter(officer=extra["officer"]).exclude(username=username).update(
                officer=None
            )
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "password": password,
                "is_active": True,
                "is_superuser": False,
                "is_staff": False,
                **scopes,
                **extra,
            },
        )
        users.append(user)
    return users
