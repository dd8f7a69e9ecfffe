"""Synthetic NPM data for `senim demo`, calibrated so the computed tables give seed 004's figures.

Published figures used (seed 004_6b6fcefe8b5aa915.txt, §6 «Ұлттық алдын алу тетігі»):
* 3 761 mandated institutions: internal affairs 3 299, education 187, social protection 121,
  health 64, penitentiary 79, defence 7, national security 4;
* 20 regional groups with 99 participants, renewed every two years;
* 2025: 425 visits — police 152, education 79, penitentiary 73, social protection 71,
  health 44, national security 4, defence 2 — and by kind of place: IVS 77, SIZO 16,
  correctional 57, reception-distribution 13, special reception 19, adaptation centres 10,
  special schools 3, children's villages 8, compulsory treatment 37, special social services
  71, NSC SIZO 4, guardhouses 2, police units 43 (the 58 education and 7 health visits the list
  does not itemise go to children's boarding institutions and psychiatric inpatient wards);
* 2025: 3 188 recommendations sent, 1 046 implemented; the highest shares implemented are
  Almaty city 67 %, Aktobe 60 %, Pavlodar 54 %, then the other regions in Table 3's row order.
Everything else is an assumption, named below; docs/oversight.md lists them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db.models import Model
from django.utils import timezone

from senim.core.models import Facility, FacilityKind, Region, Role, User
from senim.demo.common import PASSWORD, largest_remainder, rng_for
from senim.demo.territory import FACILITY_LABELS, facility_names
from senim.oversight import demo_bodies, planning, registry
from senim.oversight.categories import CATEGORY_OF_KIND
from senim.oversight.checklist import Item
from senim.oversight.demo_rows import analyze, execute, insert, table
from senim.oversight.demo_visits import Calibration, Inst, Rates, build_year
from senim.oversight.models import (
    Attachment,
    Body,
    BodyKind,
    ChecklistAnswer,
    Finding,
    Institution,
    Member,
    Obstruction,
    PlannedVisit,
    Position,
    Proposal,
    Recommendation,
    RecommendationEvent,
    RecStatus,
    Reminder,
    Sanction,
    Visit,
    VisitPlan,
)

SEED_YEAR = 2025
SEED_VISITS = {  # by report category, 2025
    "ivs": 77,
    "sizo": 16,
    "correctional": 57,
    "reception_distribution": 13,
    "spec_reception": 19,
    "juvenile_adaptation": 10,
    "special_education": 3,
    "childrens_village": 8,
    "compulsory_treatment": 37,
    "social_services": 71,
    "nsc_isolator": 4,
    "guardhouse": 2,
    "police_premises": 43,
    "children_boarding": 79 - 10 - 3 - 8,  # education's 79 less the itemised kinds
    "psychiatric_inpatient": 44 - 37,  # health's 44 less compulsory treatment
}
SEED_RECOMMENDATIONS = (3188, 1046)
SEED_TOP_SHARES = {"KZ-75": 67, "KZ-15": 60, "KZ-55": 54}
# Table 3's rows (the seed prints the regions but not the cells): the order of implementation.
TABLE3_ORDER = [
    "KZ-75",
    "KZ-15",
    "KZ-55",
    "KZ-71",
    "KZ-23",
    "KZ-10",
    "KZ-43",
    "KZ-33",
    "KZ-11",
    "KZ-61",
    "KZ-79",
    "KZ-35",
    "KZ-31",
    "KZ-59",
    "KZ-19",
    "KZ-63",
    "KZ-47",
    "KZ-62",
    "KZ-27",
    "KZ-39",
]
PARTICIPANTS = 99
SEED_INSTITUTIONS = {
    "mia_police": 3299,
    "education": 187,
    "social_protection": 121,
    "health": 64,
    "penitentiary": 79,
    "defence": 7,
    "national_security": 4,
}
# Assumed: the split of each agency's institutions over kinds (the seed gives agency totals only).
INSTITUTIONS = {
    "ivs": 160,
    "spec_reception": 24,
    "reception_distribution": 16,
    "police_premises": 3099,
    "sizo": 18,
    "prison": 3,
    "colony": 58,
    "juvenile_adaptation": 20,
    "special_education": 6,
    "childrens_village": 10,
    "children_boarding": 151,
    "social_services_centre": 121,
    "compulsory_treatment": 40,
    "psychiatric_inpatient": 24,
    "guardhouse": 7,
    "nsc_isolator": 4,
}
# Assumed: the register as of 2021, about 500 visits in other years («500-ге жуық», §6), the
# same number of recommendations per visit, 85 % unannounced visits, a council of 7.
INCLUDED_ON = dt.date(2021, 1, 1)
OTHER_YEAR_VISITS = 500
UNANNOUNCED_SHARE = 0.85
COUNCIL_SIZE = 7
LABELS = FACILITY_LABELS | {
    "juvenile_adaptation": "Центр адаптации несовершеннолетних",
    "special_education": "Специальная школа-интернат",
    "childrens_village": "Детская деревня семейного типа",
    "compulsory_treatment": "Центр принудительного лечения",
    "social_services_centre": "Центр оказания специальных социальных услуг",
}
# Synthetic: how often each item is found violated, and where it does not apply.
VIOLATION_RATE = {
    Item.LIVING_SPACE: 0.15,
    Item.FOOD: 0.15,
    Item.MEDICAL_CARE: 0.3,
    Item.TERMINALS: 0.25,
    Item.CAMERAS: 0.25,
    Item.SANITATION: 0.3,
    Item.ACCESSIBILITY: 0.35,
    Item.WORK_EDUCATION: 0.2,
    Item.MEDICINES: 0.15,
    Item.STAFF_VIOLENCE: 0.03,
    Item.FEMALE_STAFF: 0.1,
    Item.FOREIGNERS: 0.1,
    Item.DISCIPLINE: 0.1,
}
CUSTODY = {"mia_police", "penitentiary", "national_security", "defence"}
APPLIES = {
    Item.TERMINALS: {"mia_police", "penitentiary"},
    Item.FEMALE_STAFF: CUSTODY,
    Item.FOREIGNERS: {"mia_police", "penitentiary", "national_security"},
    Item.DISCIPLINE: {"penitentiary"},
    Item.WORK_EDUCATION: {"penitentiary", "education", "social_protection", "health"},
}
TEXTS = {  # finding, recommendation (synthetic wording)
    Item.LIVING_SPACE: (
        "Норма жилой площади 2,5 м² на человека не соблюдается.",
        "Обеспечить норму жилой площади 2,5 м² на человека.",
    ),
    Item.FOOD: ("Питание не соответствует нормам.", "Привести питание в соответствие с нормами."),
    Item.MEDICAL_CARE: (
        "Нет постоянного медицинского работника.",
        "Обеспечить доступ к медицинской помощи.",
    ),
    Item.TERMINALS: (
        "Терминал для подачи обращений не работает.",
        "Восстановить работу терминалов и таксофонов.",
    ),
    Item.CAMERAS: (
        "Камеры видеонаблюдения отсутствуют или неисправны.",
        "Восстановить видеонаблюдение.",
    ),
    Item.SANITATION: (
        "Нет горячей воды, санузлы в неудовлетворительном состоянии.",
        "Обеспечить горячее водоснабжение и санитарные условия.",
    ),
    Item.ACCESSIBILITY: (
        "Нет пандуса и поручней для людей с инвалидностью.",
        "Обеспечить доступность для людей с инвалидностью.",
    ),
    Item.WORK_EDUCATION: (
        "Содержащиеся не обеспечены работой и обучением.",
        "Организовать трудоустройство и обучение.",
    ),
    Item.MEDICINES: (
        "Обнаружены лекарства с истёкшим сроком годности.",
        "Изъять просроченные лекарства, наладить учёт сроков.",
    ),
    Item.STAFF_VIOLENCE: (
        "Содержащиеся сообщили о применении насилия сотрудником.",
        "Провести проверку и сообщить в органы досудебного расследования.",
    ),
    Item.FEMALE_STAFF: (
        "В смене нет сотрудниц для работы с женщинами.",
        "Обеспечить наличие сотрудниц в каждой смене.",
    ),
    Item.FOREIGNERS: (
        "Иностранцы и лица без гражданства без документов.",
        "Принять меры к документированию иностранцев и лиц без гражданства.",
    ),
    Item.DISCIPLINE: (
        "Взыскания применены без медицинского заключения.",
        "Применять взыскания только с медицинским заключением.",
    ),
}

# The same wording in Kazakh: monitors write in either language, so the demo's visits are
# written half in Kazakh, half in Russian (by the visit's number), and pages in another language
# show them as original-language quotes (synthetic wording, translated for the demo).
TEXTS_KK = {
    Item.LIVING_SPACE: (
        "Бір адамға 2,5 м² тұрғын алаң нормасы сақталмайды.",
        "Бір адамға 2,5 м² тұрғын алаң нормасын қамтамасыз ету.",
    ),
    Item.FOOD: ("Тамақтану нормаларға сәйкес келмейді.", "Тамақтануды нормаларға сәйкес келтіру."),
    Item.MEDICAL_CARE: (
        "Тұрақты медицина қызметкері жоқ.",
        "Медициналық көмекке қолжетімділікті қамтамасыз ету.",
    ),
    Item.TERMINALS: (
        "Өтініш беруге арналған терминал жұмыс істемейді.",
        "Терминалдар мен таксофондардың жұмысын қалпына келтіру.",
    ),
    Item.CAMERAS: (
        "Бейнебақылау камералары жоқ немесе ақаулы.",
        "Бейнебақылауды қалпына келтіру.",
    ),
    Item.SANITATION: (
        "Ыстық су жоқ, санитариялық тораптар қанағаттанарлықсыз жағдайда.",
        "Ыстық сумен жабдықтауды және санитариялық жағдайды қамтамасыз ету.",
    ),
    Item.ACCESSIBILITY: (
        "Мүгедектігі бар адамдарға арналған пандус пен тұтқалар жоқ.",
        "Мүгедектігі бар адамдар үшін қолжетімділікті қамтамасыз ету.",
    ),
    Item.WORK_EDUCATION: (
        "Ұсталғандар жұмыспен және оқумен қамтылмаған.",
        "Жұмысқа орналастыру мен оқытуды ұйымдастыру.",
    ),
    Item.MEDICINES: (
        "Жарамдылық мерзімі өткен дәрілер табылды.",
        "Мерзімі өткен дәрілерді алып тастау, мерзімдерді есепке алуды жолға қою.",
    ),
    Item.STAFF_VIOLENCE: (
        "Ұсталғандар қызметкердің күш қолданғаны туралы хабарлады.",
        "Тексеру жүргізу және сотқа дейінгі тергеп-тексеру органдарына хабарлау.",
    ),
    Item.FEMALE_STAFF: (
        "Ауысымда әйелдермен жұмыс істейтін әйел қызметкерлер жоқ.",
        "Әр ауысымда әйел қызметкерлердің болуын қамтамасыз ету.",
    ),
    Item.FOREIGNERS: (
        "Шетелдіктер мен азаматтығы жоқ адамдардың құжаттары жоқ.",
        "Шетелдіктер мен азаматтығы жоқ адамдарды құжаттандыру шараларын қабылдау.",
    ),
    Item.DISCIPLINE: (
        "Жазалар медициналық қорытындысыз қолданылған.",
        "Жазаларды тек медициналық қорытындымен қолдану.",
    ),
}


RATES = Rates(UNANNOUNCED_SHARE, VIOLATION_RATE, APPLIES, TEXTS, TEXTS_KK)  # type: ignore[arg-type]


def delete() -> None:
    """Remove what build made, in plain SQL (the ORM's collector would load every key); real
    visits, and the institutions and facilities they refer to, stay."""
    analyze(Visit, Recommendation, RecommendationEvent, Sanction, Finding, ChecklistAnswer)
    visits = f"SELECT id FROM {table(Visit)} WHERE is_demo"
    recs = f"SELECT id FROM {table(Recommendation)} WHERE visit_id IN ({visits})"
    targets: list[tuple[type[Model], str, str]] = [
        (RecommendationEvent, "recommendation_id", recs),
        (Sanction, "recommendation_id", recs),
        (Reminder, "recommendation_id", recs),
        (Recommendation, "visit_id", visits),
        (ChecklistAnswer, "visit_id", visits),
        (Finding, "visit_id", visits),
        (Attachment, "visit_id", visits),
        (Obstruction, "visit_id", visits),
        (Visit.team.through, "visit_id", visits),
        (Visit.team.through, "member_id", f"SELECT id FROM {table(Member)} WHERE is_demo"),
        (PlannedVisit, "plan_id", f"SELECT id FROM {table(VisitPlan)} WHERE is_demo"),
    ]
    for model, column, subquery in targets:
        execute(f"DELETE FROM {table(model)} WHERE {column} IN ({subquery})")
    proposals = f"SELECT id FROM {table(Proposal)} WHERE is_demo"
    execute(
        f"UPDATE {table(Recommendation)} SET proposal_id = NULL WHERE proposal_id IN ({proposals})"
    )
    for model in (Proposal, Visit, VisitPlan, Member):
        execute(f"DELETE FROM {table(model)} WHERE is_demo")
    execute(
        f"DELETE FROM {table(Institution)} WHERE source = 'demo' "
        f"AND id NOT IN (SELECT institution_id FROM {table(Visit)}) "
        f"AND id NOT IN (SELECT institution_id FROM {table(Recommendation)}) "
        f"AND id NOT IN (SELECT institution_id FROM {table(PlannedVisit)})"
    )


def build(*, seed: int, years: list[int]) -> dict[str, int]:
    today = timezone.localdate()
    years = sorted(y for y in years if y <= today.year)
    registry.ensure_bodies()
    regions = [r for r in Region.objects.order_by("iso") if r.population(SEED_YEAR)]
    insts = _institutions(regions)
    groups = {
        b.region_id: b.pk
        for b in Body.objects.filter(kind=BodyKind.GROUP, region__in=regions)
        if b.region_id is not None
    }
    crews = _members(regions, groups, years, today)
    pools: dict[str, list[Inst]] = defaultdict(list)
    for inst in insts:
        pools[CATEGORY_OF_KIND[inst.kind]].append(inst)
    iso = {r.iso: r.pk for r in regions}
    counts: dict[str, int] = defaultdict(int)
    for year in years:
        cal = _calibration(year, iso)
        made = build_year(
            seed=seed,
            year=year,
            today=today,
            pools=pools,
            groups=groups,
            crews=crews,
            cal=cal,
            rates=RATES,
        )
        for key, value in made.items():
            counts[key] += value
    analyze(Visit, Recommendation, RecommendationEvent, Institution, Facility)
    _proposal(today)
    _obstructions(seed, years)
    # The Ombudsman's and the representatives' own visits (seed 004 §5), after all of the NPM's
    # so that the NPM's demo stays as it was.
    counts.update(demo_bodies.build(seed=seed, years=years))
    plans = _plans(groups, (years[-1] + 1) if years else today.year)
    return {
        "npm_institutions": len(insts),
        "npm_participants": Member.objects.filter(is_demo=True).count(),
        **dict(counts),
        "npm_planned_visits": plans,
    }


def _people(region: Region) -> int:
    known = region.population(SEED_YEAR)
    return known.population if known else 0


def _calibration(year: int, iso: dict[str, int]) -> Calibration:
    order = [iso[code] for code in TABLE3_ORDER if code in iso]
    seed_visits = sum(SEED_VISITS.values())
    if year == SEED_YEAR:
        shares = {iso[code]: share for code, share in SEED_TOP_SHARES.items() if code in iso}
        return Calibration(dict(SEED_VISITS), *SEED_RECOMMENDATIONS, shares, order)
    parts = largest_remainder(OTHER_YEAR_VISITS, np.array(list(SEED_VISITS.values()), dtype=float))
    visits = dict(zip(SEED_VISITS, (int(p) for p in parts), strict=True))
    sent = round(OTHER_YEAR_VISITS * SEED_RECOMMENDATIONS[0] / seed_visits)
    implemented = round(sent * SEED_RECOMMENDATIONS[1] / SEED_RECOMMENDATIONS[0])
    return Calibration(visits, sent, implemented, {}, order)


def register_code(iso: str, kind: str, n: int) -> str:
    """A demo register number, e.g. KZ-75-02-0001: region, kind by its place in the register's
    list of kinds, serial. Numbers only, so no internal kind code reaches a page."""
    return f"{iso}-{list(INSTITUTIONS).index(kind) + 1:02d}-{n:04d}"


def _institutions(regions: list[Region]) -> list[Inst]:
    """The register: facilities (kept across rebuilds, keyed on kind and name, like the core's)
    split over the regions by population, and a demo register entry for each."""
    population = np.array([_people(r) for r in regions], dtype=np.float64)
    kinds = {k.code: k for k in FacilityKind.objects.filter(code__in=INSTITUTIONS)}
    counts = _kind_counts(kinds)
    wanted: list[tuple[int, str, int, str]] = []  # kind id, name, region id, register code
    other_names: dict[tuple[int, str], dict[str, str]] = {}  # Kazakh and English names
    for code, total in counts.items():
        kind = kinds[code]
        police = kind.agency_code == "mia_police"
        for region, count in zip(regions, largest_remainder(total, population), strict=True):
            for n in range(1, int(count) + 1):
                names = facility_names(LABELS[code], kind, region, n, police=police)
                wanted.append(
                    (kind.pk, names["name"], region.pk, register_code(region.iso, code, n))
                )
                other_names[(kind.pk, names["name"])] = names
    have = {(k, n): pk for pk, k, n in Facility.objects.values_list("pk", "kind_id", "name")}
    new = [w for w in wanted if (w[0], w[1]) not in have]
    insert(
        Facility,
        {
            "kind_id": [w[0] for w in new],
            "name": [w[1] for w in new],
            "name_kk": [other_names[(w[0], w[1])]["name_kk"] for w in new],
            "name_en": [other_names[(w[0], w[1])]["name_en"] for w in new],
            "region_id": [w[2] for w in new],
        },
    )
    # Places a demo built before they had Kazakh and English names get them now.
    unnamed = Facility.objects.filter(name_kk="").values_list("pk", "kind_id", "name")
    Facility.objects.bulk_update(
        [
            Facility(pk=pk, **{k: v for k, v in other_names[(kind, name)].items() if k != "name"})
            for pk, kind, name in unnamed
            if (kind, name) in other_names
        ],
        ["name_kk", "name_en"],
        batch_size=1000,
    )
    have = {(k, n): pk for pk, k, n in Facility.objects.values_list("pk", "kind_id", "name")}
    registered = set(Institution.objects.values_list("facility_id", flat=True))
    fresh = [(have[(w[0], w[1])], w[3]) for w in wanted if have[(w[0], w[1])] not in registered]
    insert(
        Institution,
        {
            "facility_id": [f for f, _ in fresh],
            "code": [c for _, c in fresh],
            "active": [True] * len(fresh),
            "included_on": [INCLUDED_ON] * len(fresh),
            "source": ["demo"] * len(fresh),
            "row_hash": [""] * len(fresh),
        },
    )
    facility_ids = [have[(w[0], w[1])] for w in wanted]
    agency = {k.pk: (k.code, k.agency_code) for k in kinds.values()}
    rows = Institution.objects.filter(facility_id__in=facility_ids).values_list(
        "pk", "code", "facility__region_id", "facility__kind_id"
    )
    return [
        Inst(pk, code, region, *agency[kind]) for pk, code, region, kind in rows.order_by("code")
    ]


def _kind_counts(kinds: dict[str, FacilityKind]) -> dict[str, int]:
    """Institutions per kind: where the core reference gives a kind's count (`count_2025`), the
    core's facilities are those (senim/demo/territory.py names them as this module does, so they
    are reused); the agency's other kinds share the rest of the seed's agency total."""
    counts: dict[str, int] = {}
    for agency, total in SEED_INSTITUTIONS.items():
        mine = [c for c in INSTITUTIONS if kinds[c].agency_code == agency]
        fixed = {c: kinds[c].count_2025 for c in mine if kinds[c].count_2025 is not None}
        free = [c for c in mine if c not in fixed]
        rest = max(total - sum(fixed.values()), 0)  # type: ignore[arg-type]
        weights = np.array([INSTITUTIONS[c] for c in free], dtype=np.float64)
        counts |= {c: int(n) for c, n in fixed.items() if n is not None}
        counts |= dict(zip(free, (int(n) for n in largest_remainder(rest, weights)), strict=True))
    return counts


def _cycles(years: list[int], today: dt.date) -> list[dt.date]:
    """Starts of the two-year terms (odd years, assumed) from the first demo year to today."""
    first = years[0] if years else today.year
    return [dt.date(y, 1, 1) for y in range(first - (1 - first % 2), today.year + 1, 2)]


def _members(
    regions: list[Region], groups: dict[int, int], years: list[int], today: dt.date
) -> dict[tuple[int, dt.date], list[int]]:
    """99 participants in 20 groups (the larger regions get the extra ones), a council of 7,
    for every term; the demo users "npm" (Almaty's group) and "npm_council" hold terms."""
    population = [_people(r) for r in regions]
    sizes = np.full(len(regions), PARTICIPANTS // max(len(regions), 1))
    sizes[np.argsort(population)[::-1][: PARTICIPANTS % max(len(regions), 1)]] += 1
    npm = User.objects.filter(username="npm", role=Role.NPM_MONITOR).first()
    council_user = User.objects.filter(username="npm_council").first()
    if council_user is None:  # hashing is slow: reuse the demo password's hash when there is one
        council_user = User.objects.create(
            username="npm_council",
            role=Role.NPM_MONITOR,
            password=npm.password if npm else make_password(PASSWORD),
        )
    council = Body.objects.get(kind=BodyKind.COUNCIL)
    rows = []
    for start in _cycles(years, today):
        end = registry.term_end(start)
        term = {"term_start": start, "term_end": end, "is_demo": True}
        for k in range(COUNCIL_SIZE):
            rows.append(
                Member(
                    body=council,
                    full_name=f"Кеңес мүшесі {k + 1:02d}",
                    **term,
                    position=Position.CHAIR if k == 0 else Position.MEMBER,
                    user=council_user if k == 1 else None,
                )
            )
        for region, size in zip(regions, sizes, strict=True):
            for k in range(int(size)):
                rows.append(
                    Member(
                        body_id=groups[region.pk],
                        **term,
                        full_name=f"Қатысушы {region.iso[3:]}-{start.year % 100:02d}{k + 1:02d}",
                        position=Position.HEAD if k == 0 else Position.MEMBER,
                        user=npm if region.iso == "KZ-75" and k == 1 else None,
                    )
                )
    crews: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    for m in Member.objects.bulk_create(rows):
        crews[(m.body_id, m.term_start)].append(m.pk)
    return crews


def _proposal(today: dt.date) -> None:
    """The Ombudsman's proposal to the education minister on special boarding schools in Jetisu
    and Turkistan (seed 004 §6), made of overdue education recommendations there."""
    ids = list(
        Recommendation.objects.filter(
            visit__is_demo=True,
            agency="education",
            status__in=[RecStatus.SENT, RecStatus.IN_PROGRESS],
            due_on__lt=today,
            institution__facility__region__iso__in=["KZ-33", "KZ-61"],
        )
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)[:8]
    )
    if ids:
        proposal = Proposal.objects.create(
            agency="education",
            is_demo=True,
            text="Ұсыныс: арнайы мектеп-интернаттардағы санитариялық тораптар туралы (демо).",
        )
        Recommendation.objects.filter(pk__in=ids).update(proposal=proposal)


def _obstructions(seed: int, years: list[int]) -> None:
    """Three synthetic records of obstruction in the last demo year (no seed figure)."""
    if not years:
        return
    rng = rng_for(seed, "oversight", "obstructions")
    visits = list(Visit.objects.filter(is_demo=True, visited_on__year=years[-1]).order_by("pk"))
    kinds = ["delayed_entry", "denied_documents", "denied_interview"]
    zone = timezone.get_default_timezone()
    for k, i in enumerate(rng.choice(len(visits), size=min(3, len(visits)), replace=False)):
        v = visits[int(i)]
        Obstruction.objects.create(
            visit=v,
            occurred_at=dt.datetime.combine(v.visited_on, dt.time(10, 30), tzinfo=zone),
            kind=kinds[k],
            official="Дежурный помощник начальника учреждения",
            description="Группа ожидала допуска более двух часов; документы не представлены (демо).",
        )


def _plans(groups: dict[int, int], year: int) -> int:
    """Each group's draft plan for the next year, holding every institution it must visit."""
    entries: dict[str, list[object]] = {"plan_id": [], "institution_id": []}
    for group in Body.objects.filter(pk__in=groups.values()).order_by("pk"):
        if VisitPlan.objects.filter(group=group, year=year).exists():
            continue  # a real plan is never replaced
        plan = VisitPlan.objects.create(group=group, year=year, is_demo=True)
        for inst in planning.required(group, year):
            entries["plan_id"].append(plan.pk)
            entries["institution_id"].append(inst.pk)
    return insert(PlannedVisit, entries)
