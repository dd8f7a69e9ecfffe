"""Demo visits of the Ombudsman and the regional representatives in 2025, with their
recommendations and the sanctions that followed, calibrated to seed 004 §5
(seed 004_6b6fcefe8b5aa915.txt; line numbers below).

Published and reproduced from records:
* the Ombudsman visited 13 institutions in 2025 (line 1279): the «Шарапат» social services
  centre in Astana in January, then twelve penitentiary institutions, each with the number of
  recommendations the report gives (lines 1300–1412): 52 in all, 41 implemented and 11 being
  implemented (line 1414). The visit to a Moscow centre for foreigners (line 1279) is abroad
  and not recorded;
* the representatives visited 804 institutions (line 1445): police 285, penitentiary 123,
  defence 8, national security 4, education 143, health 61, social protection 112, other 68;
  recommendations 708 to the police, 298 penitentiary (lines 1453, 1465), 534 education,
  175 health, 407 social protection (line 1469); 2 386 in all, 1 988 implemented and 398
  being implemented (line 1482); 337 people disciplined, 76 held administratively liable,
  3 pre-trial investigations registered (line 1484).
Assumed (the seed does not give them): visit days other than those named, which institution of
a kind and region is visited, the 264 recommendations to defence, national security and other
institutions split by their visits, which recommendations are implemented and which were
followed by a sanction, and the texts (marked as demo).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from senim.core.models import Facility, FacilityKind, Region, Role, User
from senim.demo.common import PASSWORD, largest_remainder, rng_for
from senim.demo.territory import facility_names
from senim.oversight.categories import OTHER_AGENCY
from senim.oversight.models import (
    Body,
    BodyKind,
    Institution,
    Member,
    Position,
    Recommendation,
    RecommendationEvent,
    RecStatus,
    Sanction,
    SanctionKind,
    Visit,
)

YEAR = 2025
# The Ombudsman's 2025 visits as the report tells them: (day, region, kind of place,
# recommendations, private interviews). Days the report gives only as a month are the 15th
# or the next working day (assumed).
OMBUDSMAN_VISITS = [
    (dt.date(2025, 1, 15), "KZ-71", "social_services_centre", 0, 0),  # «Шарапат», line 1283
    (dt.date(2025, 2, 14), "KZ-11", "colony", 5, 30),  # No. 7, Granitny, lines 1289–1300
    (dt.date(2025, 3, 14), "KZ-11", "colony", 3, 17),  # No. 1, Atbasar, lines 1306–1308
    (dt.date(2025, 4, 15), "KZ-35", "colony", 3, 27),  # No. 29, Abai, lines 1310–1318
    (dt.date(2025, 5, 22), "KZ-35", "colony", 4, 23),  # No. 32, Severnoe, lines 1322–1328
    (dt.date(2025, 6, 16), "KZ-35", "colony", 6, 25),  # No. 30, Dolinka, lines 1330–1334
    (dt.date(2025, 7, 8), "KZ-27", "colony", 4, 25),  # No. 28, Oral, lines 1338–1346
    (dt.date(2025, 7, 17), "KZ-23", "colony", 5, 17),  # No. 79, Atyrau, lines 1348–1354
    (dt.date(2025, 7, 24), "KZ-15", "colony", 5, 30),  # No. 8, Aktobe, lines 1358–1362
    (dt.date(2025, 9, 10), "KZ-59", "colony", 5, 19),  # No. 50, Petropavl, lines 1364–1372
    (dt.date(2025, 9, 24), "KZ-55", "colony", 4, 23),  # No. 46, Pavlodar, lines 1376–1386
    (dt.date(2025, 10, 14), "KZ-35", "colony", 4, 10),  # No. 35, Karabas, lines 1402–1406
    (dt.date(2025, 10, 22), "KZ-35", "colony", 4, 20),  # No. 34, Dolinka, lines 1408–1410
]
OMBUDSMAN_IMPLEMENTED = 41  # of 52; the other 11 are being implemented (line 1414)
PENITENTIARY_KINDS = ("colony", "prison", "sizo")

# The representatives' 2025 visits and recommendations by agency (lines 1445–1469); None: the
# seed gives no figure, the rest of the 2 386 is split by visits (assumed).
REP_VISITS = {
    "mia_police": 285,
    "penitentiary": 123,
    "defence": 8,
    "national_security": 4,
    "education": 143,
    "health": 61,
    "social_protection": 112,
    OTHER_AGENCY: 68,
}
REP_RECOMMENDATIONS: dict[str, int | None] = {
    "mia_police": 708,
    "penitentiary": 298,
    "defence": None,
    "national_security": None,
    "education": 534,
    "health": 175,
    "social_protection": 407,
    OTHER_AGENCY: None,
}
REP_TOTAL, REP_IMPLEMENTED = 2386, 1988  # line 1482; 398 being implemented
SANCTIONS = {  # line 1484
    SanctionKind.DISCIPLINARY: 337,
    SanctionKind.ADMINISTRATIVE: 76,
    SanctionKind.PRE_TRIAL: 3,
}
OTHER_KIND = "other_place"
TEXT = "Ұстау жағдайларын халықаралық стандарттарға сәйкес келтіру жөніндегі ұсыным (демо)."
SANCTION_OFFICIAL = "Мекеме қызметкері (демо)"


def build(*, seed: int, years: list[int]) -> dict[str, int]:
    today = timezone.localdate()
    if YEAR not in years or today < dt.date(YEAR, 12, 31):
        return {}
    rng = rng_for(seed, "oversight", "bodies", YEAR)
    ombudsman = Body.objects.get(kind=BodyKind.OMBUDSMAN)
    reps = {
        b.region_id: b
        for b in Body.objects.filter(kind=BodyKind.REPRESENTATIVE).select_related("region")
    }
    crew = _members(ombudsman, list(reps.values()), years, today)
    regions = {r.iso: r for r in Region.objects.all()}
    pools = _pools()
    pools[OTHER_AGENCY] = _other_places(list(regions.values()))

    visits: list[Visit] = []
    plan: list[int] = []  # recommendations per visit
    used: set[int] = set()
    for day, iso, kind, n_recs, interviews in OMBUDSMAN_VISITS:
        inst = _place(rng, regions[iso], kind, used)
        visits.append(_visit(ombudsman, inst, day, interviews))
        plan.append(n_recs)
    first_rep = len(visits)
    days = _working_days(today)
    counts = _rep_recommendations()
    for agency, n_visits in REP_VISITS.items():
        pool = pools[agency]
        picks = rng.choice(len(pool), size=n_visits, replace=n_visits > len(pool))
        per_visit = 1 + largest_remainder(counts[agency] - n_visits, rng.gamma(2.0, 1.0, n_visits))
        for i, n_recs in zip(picks, per_visit, strict=True):
            inst = pool[int(i)]
            day = days[int(rng.integers(len(days)))]
            visits.append(
                _visit(reps[inst.facility.region_id], inst, day, int(rng.integers(2, 16)))
            )
            plan.append(int(n_recs))
    Visit.objects.bulk_create(visits)
    through = Visit.team.through
    through.objects.bulk_create(
        [through(visit_id=v.pk, member_id=crew[v.group_id]) for v in visits]
    )
    omb_recs = _recommendations(rng, visits[:first_rep], plan[:first_rep], OMBUDSMAN_IMPLEMENTED)
    rep_recs = _recommendations(rng, visits[first_rep:], plan[first_rep:], REP_IMPLEMENTED)
    sanctions = _sanctions(rng, rep_recs, today)
    return {
        "ombudsman_visits": first_rep,
        "ombudsman_recommendations": len(omb_recs),
        "representative_visits": len(visits) - first_rep,
        "representative_recommendations": len(rep_recs),
        "sanctions": sanctions,
    }


def _rep_recommendations() -> dict[str, int]:
    given = {a: n for a, n in REP_RECOMMENDATIONS.items() if n is not None}
    rest = [a for a, n in REP_RECOMMENDATIONS.items() if n is None]
    parts = largest_remainder(
        REP_TOTAL - sum(given.values()), np.array([REP_VISITS[a] for a in rest], dtype=float)
    )
    return given | {a: int(n) for a, n in zip(rest, parts, strict=True)}


def _members(ombudsman: Body, reps: list[Body], years: list[int], today: dt.date) -> dict[int, int]:
    """The Ombudsman and one representative per region, in office over the demo years; the demo
    users "ombudsman" and "ombudsman_rep" (Almaty's representative) hold the terms."""
    start, end = dt.date(min(years), 1, 1), dt.date(today.year + 1, 12, 31)
    users = {name: _user(name) for name in ("ombudsman", "ombudsman_rep")}
    rows = [
        Member(
            body=ombudsman,
            full_name="Адам құқықтары жөніндегі уәкіл (демо)",
            position=Position.CHAIR,
            user=users["ombudsman"],
            term_start=start,
            term_end=end,
            is_demo=True,
        )
    ]
    for body in reps:
        assert body.region is not None
        rows.append(
            Member(
                body=body,
                full_name=f"Уәкіл өкілі {body.region.iso[3:]} (демо)",
                position=Position.HEAD,
                user=users["ombudsman_rep"] if body.region.iso == "KZ-75" else None,
                term_start=start,
                term_end=end,
                is_demo=True,
            )
        )
    return {m.body_id: m.pk for m in Member.objects.bulk_create(rows)}


def _user(name: str) -> User:
    found = User.objects.filter(username=name).first()
    if found is not None:
        return found
    npm = User.objects.filter(username="npm").first()  # hashing is slow: reuse the demo hash
    return User.objects.create(
        username=name,
        role=Role.NPM_MONITOR,
        password=npm.password if npm else make_password(PASSWORD),
    )


def _pools() -> dict[str, list[Institution]]:
    """The register's institutions by agency, in code order (deterministic picks)."""
    pools: dict[str, list[Institution]] = defaultdict(list)
    for inst in (
        Institution.objects.filter(active=True).select_related("facility__kind").order_by("code")
    ):
        pools[inst.facility.kind.agency_code].append(inst)
    return pools


def _other_places(regions: list[Region]) -> list[Institution]:
    """One place outside the NPM register per region (kept across rebuilds, like the register's
    facilities), entered as not on the register: the representatives' mandate is wider."""
    kind = FacilityKind.objects.get(code=OTHER_KIND)
    out = []
    for region in sorted(regions, key=lambda r: r.iso):
        # Registered in Russian, shown in the page's language (Facility.display_name).
        names = facility_names(kind.name_ru, kind, region, 1, police=False)
        facility, _made = Facility.objects.get_or_create(
            kind=kind, name=names["name"], defaults={"region": region}
        )
        if (facility.name_kk, facility.name_en) != (names["name_kk"], names["name_en"]):
            facility.name_kk, facility.name_en = names["name_kk"], names["name_en"]
            facility.save(update_fields=["name_kk", "name_en"])
        inst, _made = Institution.objects.get_or_create(
            facility=facility,
            defaults={
                # 99: a kind outside the register's list (demo_data.register_code numbers it).
                "code": f"{region.iso}-99-0001",
                "active": False,
                "included_on": dt.date(YEAR, 1, 1),
                "source": "demo",
            },
        )
        out.append(inst)
    return out


def _place(rng: np.random.Generator, region: Region, kind: str, used: set[int]) -> Institution:
    """An institution of the kind in the region, a different one for each visit where the demo
    register has enough (else a penitentiary institution of another kind, then a repeat)."""
    qs = Institution.objects.filter(facility__region=region, active=True).select_related(
        "facility__kind"
    )
    kinds = PENITENTIARY_KINDS if kind in PENITENTIARY_KINDS else (kind,)
    for codes in ((kind,), kinds):
        fresh = [i for i in qs.filter(facility__kind__code__in=codes).order_by("code")]
        left = [i for i in fresh if i.pk not in used]
        if left:
            used.add(left[0].pk)
            return left[0]
    found = list(qs.filter(facility__kind__code__in=kinds).order_by("code"))
    if not found:
        raise RuntimeError(f"No {kind} in {region.iso} on the demo register.")
    return found[int(rng.integers(len(found)))]


def _visit(body: Body, inst: Institution, day: dt.date, interviews: int) -> Visit:
    return Visit(
        group=body,
        institution=inst,
        visited_on=day,
        unannounced=True,
        interviews_private=interviews,
        note="",
        is_demo=True,
    )


def _working_days(today: dt.date) -> list[dt.date]:
    last = min(dt.date(YEAR, 12, 31), today)
    days = np.arange(np.datetime64(f"{YEAR}-01-01"), np.datetime64(last) + 1)
    return [d.item() for d in days[np.is_busday(days)]]


def _recommendations(
    rng: np.random.Generator, visits: list[Visit], plan: list[int], implemented: int
) -> list[Recommendation]:
    """The visits' recommendations; `implemented` of them implemented, the rest in progress."""
    year_end = dt.date(YEAR, 12, 31)
    rows = []
    for visit, n in zip(visits, plan, strict=True):
        for _k in range(n):
            sent = min(visit.visited_on + dt.timedelta(days=int(rng.integers(3, 21))), year_end)
            rows.append(
                Recommendation(
                    visit=visit,
                    institution=visit.institution,
                    agency=visit.institution.facility.kind.agency_code,
                    text=TEXT,
                    sent_on=sent,
                    due_on=sent + dt.timedelta(days=int(rng.choice([30, 60, 90]))),
                    status=RecStatus.IN_PROGRESS,
                )
            )
    for i in rng.choice(len(rows), size=implemented, replace=False):
        rec = rows[int(i)]
        rec.status = RecStatus.IMPLEMENTED
        rec.closed_on = min(rec.sent_on + dt.timedelta(days=int(rng.integers(10, 120))), year_end)
    Recommendation.objects.bulk_create(rows, batch_size=2000)
    events = []
    for rec in rows:
        events.append(RecommendationEvent(recommendation=rec, on=rec.sent_on, status="sent"))
        if rec.closed_on is not None:
            events.append(
                RecommendationEvent(recommendation=rec, on=rec.closed_on, status=rec.status)
            )
        else:
            events.append(
                RecommendationEvent(recommendation=rec, on=rec.sent_on, status=rec.status)
            )
    RecommendationEvent.objects.bulk_create(events, batch_size=2000)
    return rows


def _sanctions(rng: np.random.Generator, recs: list[Recommendation], today: dt.date) -> int:
    """The seed's sanctions under implemented recommendations (which ones: assumed)."""
    done = [r for r in recs if r.status == RecStatus.IMPLEMENTED]
    rows = []
    for kind, count in SANCTIONS.items():
        for i in rng.choice(len(done), size=count, replace=True):
            rec = done[int(i)]
            assert rec.closed_on is not None
            decided = min(rec.closed_on + dt.timedelta(days=int(rng.integers(0, 30))), today)
            rows.append(
                Sanction(
                    recommendation=rec,
                    kind=kind,
                    decided_on=decided,
                    official=SANCTION_OFFICIAL,
                    created_by="demo",
                )
            )
    Sanction.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
