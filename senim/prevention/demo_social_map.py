"""Synthetic social map and juveniles' work for `senim demo` (issue 13, items 2 and 8).

The social map: every sector of the demo city gets two counts of residents and households (the
statistics bureau's a year ago, the akimat's or the inspector's round recently) and its places
that matter — schools, licensed premises, markets, hostels, transport stops, youth clubs — at
points inside the sector. The numbers per sector, the household size and the places' mix are
assumptions (docs/demo.md). Every record is labelled synthetic (`is_demo`: its page says "synthetic demo record" in the page's language).

Juveniles: each demo school gets the inspector of its sector assigned (seed 003 line 23 asks to
make the officers assigned to schools more effective; the demo's officers are the territory's
inspectors, some schools with an earlier officer whose assignment ended), programmes of
mentoring, sport and prevention run with the demo city's schools and, in every other region,
with one synthetic regional partner. The children reached in 2025 add up nationally to
`CHILDREN_2025`, an assumed exact figure for seed 003 line 9's "more than 9,000 children and
teenagers covered by mentoring, sport and prevention programmes" (the report on 2025: line 2),
split by the regions' population; the running year's periods that have ended get an assumed
level of the same order. Counts only: no child is named.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from senim.core.geo import locator
from senim.core.models import District, Region, Sector
from senim.demo.cities import population_2025
from senim.demo.common import DEMO_CITY, Plane, largest_remainder, rng_for
from senim.prevention.models import (
    AgeBand,
    Partner,
    Place,
    PlaceKind,
    Programme,
    ProgrammeKind,
    Reach,
    ReachSex,
    SchoolAssignment,
    SectorPopulation,
)

# Seed 003 line 9: "9 мыңнан астам бала мен жасөспірім" — more than 9,000 in 2025. The exact
# figure is assumed (docs/demo.md); tests/prevention/test_juveniles_seed_fidelity.py checks it.
REPORT_YEAR = 2025
CHILDREN_2025 = 9_046
# The running year: the same national level a year on (assumed), for the periods already ended.
RUNNING_LEVEL = 1.02
RESIDENTS = (9_000, 26_000)  # per sector (assumed)
HOUSEHOLD_SIZE = (2.9, 3.8)  # residents per household (assumed)
# Places per sector by kind: (fewest, most) (assumed).
PLACES = {
    "school": (1, 3),
    "licensed_premises": (1, 4),
    "market": (0, 1),
    "hostel": (0, 2),
    "transport_stop": (2, 5),
    "youth_centre": (0, 1),
}
SPREAD_M = 700.0
EARLIER_OFFICER = 0.15  # schools whose first assigned officer's term has ended (assumed)
PROGRAMME_SCHOOLS = 0.45  # demo-city schools that run a programme (assumed)
REGION_PROGRAMMES = ("mentoring", "sport", "prevention")
# School terms and the summer: the periods reach is counted in (month, day) pairs.
TERMS = (((1, 9), (5, 25)), ((6, 1), (8, 31)), ((9, 1), (12, 25)))
SEX_SHARES = np.array([0.52, 0.44, 0.04])  # boys, girls, not known (assumed)
BAND_SHARES = np.array([0.25, 0.45, 0.30])  # 7–10, 11–14, 15–17 (assumed)

SCHOOL_NAMES = (
    "КГУ «Общеобразовательная школа № {n}»",
    "КГУ «Школа-гимназия № {n}»",
    "«№ {n} мектеп-лицей» КММ",
)
OTHER_NAMES = {
    "licensed_premises": (
        "Кафе-бар «Достар-{n}»",
        "Ресторан «Береке-{n}»",
        "Магазин «Алкомаркет № {n}»",
    ),
    "market": ("Рынок «Саялы-{n}»", "Торговый центр «Арай-{n}»"),
    "hostel": ("Общежитие колледжа № {n}", "Хостел «Жол-{n}»"),
    "transport_stop": (
        "Остановка «Мкр. Аксай-{n}»",
        "Остановка «Рынок-{n}»",
        "Остановка «Школа № {n}»",
    ),
    "youth_centre": ("Подростковый клуб «Жастар-{n}»", "Спортивная площадка двора № {n}"),
}
STREETS = ("ул. Толе би", "пр. Абая", "ул. Жандосова", "ул. Саина", "мкр. Аксай-4", "ул. Момышулы")
PROGRAMME_NAMES = {
    "mentoring": "Наставничество «Старший друг» — {where}",
    "sport": "Спортивная секция «Полицейский дворик» — {where}",
    "prevention": "Профилактика «Закон и дети» — {where}",
}
CONTACTS = {"school": "Демо: приёмная директора", "market": "Демо: администрация рынка"}
REGION_PARTNER = "Демо: региональный молодёжный ресурсный центр ({region})"


def _points(rng: np.random.Generator, sector: Sector, count: int) -> list[tuple[float, float]]:
    """Points within ~700 m of the sector's centre inside the sector's district (as the forms
    require), those the locator places in the sector itself first; the district's centre where
    every try fails (a sector on the city's edge)."""
    if count == 0:
        return []
    plane = Plane(sector.lat, sector.lon)
    tries = count * 20
    angle = rng.uniform(0, 2 * np.pi, tries)
    radius = SPREAD_M * np.sqrt(rng.uniform(0, 1, tries))
    lat, lon = plane.to_latlon(radius * np.cos(angle), radius * np.sin(angle))
    where = locator().locate(lat, lon)
    own = np.nonzero(where.sector_ids == sector.pk)[0]
    near = np.nonzero((where.district_ids == sector.district_id) & (where.sector_ids != sector.pk))[
        0
    ]
    picked = list(own[:count]) + list(near[: max(0, count - len(own))])
    chosen = [(round(float(lat[i]), 6), round(float(lon[i]), 6)) for i in picked]
    while len(chosen) < count:
        chosen.append((sector.district.lat, sector.district.lon))
    return chosen


def _social_map(seed: int, sectors: list[Sector], today: dt.date) -> tuple[int, list[Place]]:
    rng = rng_for(seed, "prevention", "social-map")
    kinds = {k.code: k for k in PlaceKind.objects.all()}
    counts: list[SectorPopulation] = []
    places: list[Place] = []
    n = 0
    for sector in sectors:
        residents = int(rng.integers(*RESIDENTS))
        size = float(rng.uniform(*HOUSEHOLD_SIZE))
        earlier = int(residents * rng.uniform(0.96, 1.0))
        recent_source = "round" if rng.random() < 0.5 else "akimat"
        for as_of, people, source in (
            (today - dt.timedelta(days=int(rng.integers(330, 420))), earlier, "statistics"),
            (today - dt.timedelta(days=int(rng.integers(10, 90))), residents, recent_source),
        ):
            counts.append(
                SectorPopulation(
                    region_id=sector.district.region_id,
                    district_id=sector.district_id,
                    sector=sector,
                    residents=people,
                    households=max(1, int(people / size)),
                    as_of=as_of,
                    source=source,
                    note="",
                    created_by="demo",
                    is_demo=True,
                )
            )
        wanted = [
            (kinds[code], int(rng.integers(low, high + 1)))
            for code, (low, high) in PLACES.items()
            if code in kinds
        ]
        points = iter(_points(rng, sector, sum(k for _, k in wanted)))
        for kind, how_many in wanted:
            code = kind.code
            for _ in range(how_many):
                lat, lon = next(points)
                n += 1
                names = SCHOOL_NAMES if code == "school" else OTHER_NAMES[code]
                name = names[int(rng.integers(len(names)))].format(n=10 + n % 180)
                street = STREETS[int(rng.integers(len(STREETS)))]
                places.append(
                    Place(
                        region_id=sector.district.region_id,
                        district_id=sector.district_id,
                        sector=sector,
                        kind=kind,
                        name=name,
                        address=f"{street}, {int(rng.integers(1, 240))}",
                        lat=lat,
                        lon=lon,
                        contact=CONTACTS.get(code, ""),
                        notes="",
                        created_by="demo",
                        is_demo=True,
                    )
                )
    SectorPopulation.objects.bulk_create(counts, batch_size=2000)
    Place.objects.bulk_create(places, batch_size=2000)
    return len(counts), places


def _assignments(seed: int, schools: list[Place], sectors: list[Sector], today: dt.date) -> int:
    """The sector's inspector at each of its schools; some schools had another officer of the
    district before (the inspector of a neighbouring sector), whose term has ended."""
    rng = rng_for(seed, "prevention", "school-officers")
    by_district: dict[int, list[Sector]] = {}
    for s in sectors:
        if s.inspector_id:
            by_district.setdefault(s.district_id, []).append(s)
    sector_of = {s.pk: s for s in sectors}
    rows = []
    for school in schools:
        sector = sector_of[school.sector_id]
        if not sector.inspector_id:
            continue
        starts = today - dt.timedelta(days=int(rng.integers(120, 900)))
        if rng.random() < EARLIER_OFFICER:
            others = [s for s in by_district.get(sector.district_id, []) if s.pk != sector.pk]
            if others:
                before = others[int(rng.integers(len(others)))]
                assert before.inspector_id is not None
                rows.append(
                    SchoolAssignment(
                        place=school,
                        officer_id=before.inspector_id,
                        region_id=school.region_id,
                        district_id=school.district_id,
                        sector_id=school.sector_id,
                        starts_on=starts - dt.timedelta(days=int(rng.integers(200, 700))),
                        ends_on=starts - dt.timedelta(days=1),
                        created_by="demo",
                        is_demo=True,
                    )
                )
        rows.append(
            SchoolAssignment(
                place=school,
                officer_id=sector.inspector_id,
                region_id=school.region_id,
                district_id=school.district_id,
                sector_id=school.sector_id,
                starts_on=starts,
                created_by="demo",
                is_demo=True,
            )
        )
    SchoolAssignment.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _periods(year: int, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The year's terms that have started by yesterday, cut at yesterday (never in the future)."""
    last = today - dt.timedelta(days=1)
    out = []
    for (m1, d1), (m2, d2) in TERMS:
        start, end = dt.date(year, m1, d1), min(dt.date(year, m2, d2), last)
        if start <= end:
            out.append((start, end))
    return out


def _programmes(seed: int, schools: list[Place], today: dt.date) -> list[Programme]:
    rng = rng_for(seed, "prevention", "programmes")
    kinds = {k.code: k for k in ProgrammeKind.objects.all()}
    if not all(code in kinds for code in REGION_PROGRAMMES):
        return []
    rows: list[Programme] = []
    opened = dt.date(REPORT_YEAR - 1, 9, 1)
    for school in schools:
        if rng.random() >= PROGRAMME_SCHOOLS:
            continue
        code = REGION_PROGRAMMES[int(rng.integers(len(REGION_PROGRAMMES)))]
        rows.append(
            Programme(
                name=PROGRAMME_NAMES[code].format(where=school.name),
                kind=kinds[code],
                region_id=school.region_id,
                district_id=school.district_id,
                school=school,
                starts_on=opened - dt.timedelta(days=int(rng.integers(0, 700))),
                description="",
                created_by="demo",
                is_demo=True,
            )
        )
    city = Region.objects.filter(iso=DEMO_CITY).first()
    partners = []
    regions = [r for r in Region.objects.order_by("iso") if city is None or r.pk != city.pk]
    firsts = {}
    for region in regions:
        district = District.objects.filter(region=region).order_by("code").first()
        if district is None:
            continue
        firsts[region.pk] = district
        partners.append(
            Partner(
                name=REGION_PARTNER.format(region=region.name_ru),
                kind="ngo",
                region=region,
                district=None,
                created_by="demo",
                is_demo=True,
            )
        )
    Partner.objects.bulk_create(partners)
    for partner in partners:
        district = firsts[partner.region_id]
        for code in REGION_PROGRAMMES:
            rows.append(
                Programme(
                    name=PROGRAMME_NAMES[code].format(where=partner.region.name_ru),
                    kind=kinds[code],
                    region_id=partner.region_id,
                    district=district,
                    partner=partner,
                    starts_on=opened - dt.timedelta(days=int(rng.integers(0, 700))),
                    description="",
                    created_by="demo",
                    is_demo=True,
                )
            )
    Programme.objects.bulk_create(rows, batch_size=2000)
    return rows


def _reach(seed: int, programmes: list[Programme], year: int, total: int, today: dt.date) -> int:
    """`total` children in the year's ended periods: split by region population, then over the
    region's programmes, periods, age bands and sexes, each part exact (largest remainder)."""
    periods = _periods(year, today)
    if not periods or not programmes or total <= 0:
        return 0
    rng = rng_for(seed, "prevention", "reach", year)
    by_region: dict[int, list[Programme]] = {}
    for p in programmes:
        by_region.setdefault(p.region_id, []).append(p)
    regions = list(Region.objects.filter(pk__in=by_region).order_by("iso"))
    weights = np.array([float(population_2025(r)) for r in regions])
    bands, sexes = list(AgeBand.values), list(ReachSex.values)
    rows = []
    for region, share in zip(regions, largest_remainder(total, weights), strict=True):
        mine = by_region[region.pk]
        per_programme = largest_remainder(int(share), rng.dirichlet(np.full(len(mine), 4.0)))
        for programme, n in zip(mine, per_programme, strict=True):
            per_period = largest_remainder(int(n), rng.dirichlet(np.full(len(periods), 6.0)))
            for (start, end), m in zip(periods, per_period, strict=True):
                cells = np.outer(BAND_SHARES, SEX_SHARES).ravel()
                split = largest_remainder(int(m), cells * rng.uniform(0.7, 1.3, len(cells)))
                for k, children in enumerate(split):
                    if children <= 0:
                        continue
                    rows.append(
                        Reach(
                            programme=programme,
                            region_id=programme.region_id,
                            district_id=programme.district_id,
                            period_start=start,
                            period_end=end,
                            age_band=bands[k // len(sexes)],
                            sex=sexes[k % len(sexes)],
                            children=int(children),
                            recorded_by="demo",
                            is_demo=True,
                        )
                    )
    Reach.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def build(seed: int, sectors: list[Sector], today: dt.date) -> dict[str, Any]:
    counts, places = _social_map(seed, sectors, today)
    schools = [p for p in places if p.kind.code == "school"]
    assignments = _assignments(seed, schools, sectors, today)
    programmes = _programmes(seed, schools, today)
    reach = _reach(seed, programmes, REPORT_YEAR, CHILDREN_2025, today)
    if today.year > REPORT_YEAR:
        running = round(
            CHILDREN_2025 * RUNNING_LEVEL * len(_periods(today.year, today)) / len(TERMS)
        )
        reach += _reach(seed, programmes, today.year, running, today)
    return {
        "sector_population_counts": counts,
        "social_map_places": len(places),
        "school_assignments": assignments,
        "juvenile_programmes": len(programmes),
        "juvenile_reach_rows": reach,
    }


def delete() -> None:
    """Remove what `build` made (reach goes with its programmes), before the partners go."""
    Programme.objects.filter(is_demo=True).delete()
    Reach.objects.filter(is_demo=True).delete()
    SchoolAssignment.objects.filter(is_demo=True).delete()
    Place.objects.filter(is_demo=True).delete()
    SectorPopulation.objects.filter(is_demo=True).delete()
    Partner.objects.filter(is_demo=True, programmes__isnull=True, name__startswith="Демо:").delete()
