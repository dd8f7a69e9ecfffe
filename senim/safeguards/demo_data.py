"""Synthetic safeguards data for `senim demo`, calibrated to the figures of seed 004.

Reproduced from records: Table 2 (complaints per 1 000 convicts by region, 2025), the 2025
complaint totals (240, 55 repeated, 117 pre-trial / 123 penitentiary, 111 in 2024), every
published figure of the §4 series of Art. 146 cases (2020–2025, always built), the 2025
terminal and payphone failures by region (40 and 12) and the 608 terminals in 78 institutions.
Everything else (custody volumes and times, channels, outcomes, cameras and footage) is
synthetic and says so in docs/safeguards.md. Custody "now" and the footage of the last two
weeks are laid out relative to the build time, so the board always has open custody to show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from senim.core.iin import check_digit, iin_hash
from senim.core.models import District, Facility, FacilityKind, Person, Region
from senim.safeguards import demo_history, demo_redress
from senim.safeguards.models import (
    Art146Case,
    BodycamEvent,
    Camera,
    Complaint,
    CustodyRecord,
    DemoFacility,
    LedgerEntry,
    Recording,
    RetrievalRequest,
    Terminal,
)
from senim.safeguards.reference import PENITENTIARY_INSTITUTIONS, load_convicts

DEMO = "demo"
PREFIX = "DEMO-"
CUSTODY_PER_REGION_YEAR = 25  # synthetic: the seed publishes no custody volumes
POLICE_KINDS = ("ivs", "spec_reception", "police_premises", "reception_distribution")
PRISON_KINDS = ("colony", "prison", "sizo")
# Open custody "now", hours since the actual detention and whether a minor, per region.
CURRENT = {
    "KZ-75": [(3, False), (20, True), (30, False), (40, False), (52, False), (27, True)],
    "KZ-71": [(10, False), (47, False), (50, False)],
    "KZ-35": [(5, False), (19, True)],
}


def rng_for(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, sum(name.encode()) * 7919 + len(name)])


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split a total in proportion to weights so that the parts add up exactly."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    parts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts), kind="stable")[: total - int(parts.sum())]:
        parts[i] += 1
    return [int(p) for p in parts]


# --- facilities and people -------------------------------------------------------------------


def _kind(code: str, fallback: tuple[str, ...]) -> FacilityKind:
    kind = (
        FacilityKind.objects.filter(code=code).first()
        or FacilityKind.objects.filter(code__in=fallback).order_by("code").first()
        or FacilityKind.objects.first()
    )
    if kind is None:
        raise RuntimeError("No facility kinds: run `senim migrate` to load the reference data.")
    return kind


def _new_facility(names: tuple[str, str, str], kind: FacilityKind, region: Region) -> Facility:
    """A synthetic place named (in Russian, Kazakh, English)."""
    district = District.objects.filter(region=region).order_by("code").first()
    name, name_kk, name_en = names
    # bulk_create: demo rows are not audit-logged one by one, as in the core demo.
    (facility,) = Facility.objects.bulk_create(
        [
            Facility(
                name=name,
                name_kk=name_kk,
                name_en=name_en,
                kind=kind,
                region=region,
                district=district,
            )
        ]
    )
    DemoFacility.objects.create(facility=facility)
    return facility


def facilities(regions: list[Region], convicts: dict[int, int]) -> dict[str, Any]:
    """A custody place per region and the 78 penitentiary institutions, split by convicts.

    Facilities already on the territory (from the NPM register or the core demo) are used
    first; only what is missing is added, and removed again by `delete`.
    """
    police_kind = _kind("ivs", POLICE_KINDS)
    prison_kind = _kind("colony", PRISON_KINDS)
    # One institution in every region, the rest in proportion to its convicts.
    extra = largest_remainder(
        PENITENTIARY_INSTITUTIONS - len(regions), [convicts.get(r.pk, 1) for r in regions]
    )
    custody, prisons = {}, {}
    for region, more in zip(regions, extra, strict=True):
        police = Facility.objects.filter(region=region, kind__code__in=POLICE_KINDS)
        # An isolator with a district first (district duty officers then see its custody).
        custody[region.pk] = (
            police.filter(kind__code="ivs").exclude(district=None).order_by("id").first()
            or police.exclude(district=None).order_by("kind__code", "id").first()
            or police.filter(kind__code="ivs").order_by("id").first()
            or police.order_by("kind__code", "id").first()
            or _new_facility(
                (
                    f"ИВС — {region.name_ru}",
                    f"{region.name_kk} — уақытша ұстау изоляторы",
                    f"Temporary detention isolator, {region.name_en}",
                ),
                police_kind,
                region,
            )
        )
        have = list(
            Facility.objects.filter(region=region, kind__code__in=PRISON_KINDS).order_by("id")[
                : 1 + more
            ]
        )
        while len(have) < 1 + more:
            have.append(
                _new_facility(
                    (
                        f"Учреждение №{len(have) + 1} — {region.name_ru}",
                        f"{region.name_kk} — №{len(have) + 1} мекеме",
                        f"Institution No. {len(have) + 1}, {region.name_en}",
                    ),
                    prison_kind,
                    region,
                )
            )
        prisons[region.pk] = have
    return {"custody": custody, "prisons": prisons}


class People:
    """Synthetic people with checksum-valid IINs, stored only as keyed hashes."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.rows: list[Person] = []
        self.hashes: set[str] = {
            str(h) for h in Person.objects.exclude(iin_hash=None).values_list("iin_hash", flat=True)
        }

    def new(self, birth: dt.date) -> Person:
        male = self.rng.random() < 0.88
        century = (3 if male else 4) if birth.year < 2000 else (5 if male else 6)
        while True:
            first = f"{birth:%y%m%d}{century}{int(self.rng.integers(0, 10_000)):04d}"
            digit = check_digit(first)
            if digit is None:
                continue
            hashed = iin_hash(first + str(digit))
            if hashed not in self.hashes:
                break
        self.hashes.add(hashed)
        person = Person(iin_hash=hashed, birth_date=birth, sex="M" if male else "F")
        self.rows.append(person)
        return person

    def save(self) -> None:
        Person.objects.bulk_create(self.rows, batch_size=2000)
        self.rows = []


# --- custody ---------------------------------------------------------------------------------


def _custody_row(
    rng: np.random.Generator,
    people: People,
    facility: Facility,
    ext: str,
    detained: dt.datetime,
    minor: bool,
    *,
    held_hours: float | None,
    prosecutor_hours: float | None,
    in_writing: bool = True,
) -> CustodyRecord:
    day = timezone.localtime(detained).date()
    age = rng.uniform(14.2, 17.8) if minor else float(np.clip(rng.normal(31, 9), 18.5, 70))
    birth = day - dt.timedelta(days=int(age * 365.25))
    recorded = detained + dt.timedelta(minutes=float(rng.uniform(10, 150)))
    end = None if held_hours is None else detained + dt.timedelta(hours=held_hours)
    court = end is not None and rng.random() < 0.6
    return CustodyRecord(
        source_system=DEMO,
        external_id=ext,
        person=people.new(birth),
        is_minor=minor,
        facility=facility,
        region_id=facility.region_id,
        district_id=facility.district_id,
        detained_at=detained,
        recorded_at=recorded,
        prosecutor_notified_at=None
        if prosecutor_hours is None
        else recorded + dt.timedelta(hours=prosecutor_hours),
        prosecutor_notice_in_writing=in_writing and prosecutor_hours is not None,
        court_order_at=end if court else None,
        released_at=None if court else end,
        rights_explained_at=detained + dt.timedelta(minutes=float(rng.uniform(5, 60))),
        lawyer_present=bool(rng.random() < 0.7),
        family_notified_at=detained + dt.timedelta(hours=float(rng.uniform(1, 10)))
        if rng.random() < 0.85
        else None,
        medical_exam_at=recorded + dt.timedelta(hours=float(rng.uniform(0.3, 4)))
        if rng.random() < 0.95
        else None,
        injuries_recorded=bool(rng.random() < 0.06),
        created_by="demo",
    )


def custody(
    seed: int, years: list[int], places: dict[str, Any], people: People, now: dt.datetime
) -> int:
    rng = rng_for(seed, "custody")
    zone = timezone.get_default_timezone()
    rows: list[CustodyRecord] = []
    for region_id, facility in sorted(places["custody"].items()):
        for year in years:
            start = dt.datetime(year, 1, 1, tzinfo=zone)
            for n in range(CUSTODY_PER_REGION_YEAR):
                detained = start + dt.timedelta(minutes=int(rng.integers(0, 365 * 24 * 60 - 4000)))
                minor = bool(rng.random() < 0.08)
                limit = 24 if minor else 48
                # About 3 % of custody outlasts its limit; 4 % of notices come late, 2 % only orally.
                held = limit * float(
                    rng.uniform(1.02, 1.25) if rng.random() < 0.03 else rng.uniform(0.12, 0.96)
                )
                draw = rng.random()
                notice = float(rng.uniform(12.5, 20) if draw < 0.04 else rng.uniform(0.5, 10))
                rows.append(
                    _custody_row(
                        rng,
                        people,
                        facility,
                        f"{PREFIX}C-{region_id}-{year}-{n:03d}",
                        detained,
                        minor,
                        held_hours=held,
                        prosecutor_hours=notice,
                        in_writing=not 0.04 <= draw < 0.06,
                    )
                )
    by_iso = {f.region.iso: f for f in places["custody"].values()}
    for iso, current in CURRENT.items():
        facility = by_iso.get(iso)
        if facility is None:
            continue
        for n, (hours, minor) in enumerate(current):
            detained = (now - dt.timedelta(hours=hours)).replace(second=0, microsecond=0)
            # One open record in the demo city has no written notice to the prosecutor at all.
            told = None if (iso == "KZ-75" and n == 2) else float(rng.uniform(0.5, 6))
            rows.append(
                _custody_row(
                    rng,
                    people,
                    facility,
                    f"{PREFIX}C-NOW-{iso}-{n}",
                    detained,
                    minor,
                    held_hours=None,
                    prosecutor_hours=told,
                )
            )
        if iso == "KZ-75":  # ended 2 h over the limit, ten hours ago
            detained = (now - dt.timedelta(hours=60)).replace(second=0, microsecond=0)
            rows.append(
                _custody_row(
                    rng,
                    people,
                    facility,
                    f"{PREFIX}C-NOW-{iso}-late",
                    detained,
                    False,
                    held_hours=50,
                    prosecutor_hours=3,
                )
            )
    people.save()
    for row in rows:
        row.person_id = row.person.pk
    CustodyRecord.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- the hook --------------------------------------------------------------------------------


def build(*, seed: int, years: list[int]) -> dict[str, int]:
    now = timezone.now()
    load_convicts()  # reference data; present after migrate, reloaded for safety
    regions = list(Region.objects.order_by("iso"))
    if not regions:
        return {}
    from senim.safeguards.models import ConvictPopulation

    convicts = {p.region_id: p.convicts for p in ConvictPopulation.objects.filter(year=2025)}
    with transaction.atomic():
        places = facilities(regions, convicts)
        people = People(rng_for(seed, "people"))
        counts = {"custody_records": custody(seed, years, places, people, now)}
        counts |= demo_history.build(seed=seed, years=years, places=places, people=people, now=now)
        counts |= demo_redress.build(seed=seed)
    return counts


def delete() -> None:
    """Remove what `build` made; refuses if real entries follow demo ones in the video ledger."""
    if (
        LedgerEntry.objects.filter(demo=True).exists()
        and LedgerEntry.objects.filter(demo=False).exists()
    ):
        raise RuntimeError(
            "The video-evidence ledger holds real entries besides demo ones; demo entries cannot "
            "be removed from a hash chain without breaking it. Rebuild the demo on its own database."
        )
    with transaction.atomic():
        LedgerEntry.objects.filter(demo=True).delete()
        demo_redress.delete()
        RetrievalRequest.objects.filter(source_system=DEMO).delete()
        BodycamEvent.objects.filter(camera__code__startswith=PREFIX).delete()
        Recording.objects.filter(camera__code__startswith=PREFIX).delete()
        Camera.objects.filter(code__startswith=PREFIX).delete()
        Terminal.objects.filter(serial__startswith=PREFIX).delete()
        people = set(
            CustodyRecord.objects.filter(source_system=DEMO).values_list("person_id", flat=True)
        ) | set(
            Complaint.objects.filter(source_system=DEMO)
            .exclude(complainant=None)
            .values_list("complainant_id", flat=True)
        )
        CustodyRecord.objects.filter(source_system=DEMO).delete()
        Complaint.objects.filter(source_system=DEMO).delete()
        Art146Case.objects.filter(source_system=DEMO).delete()
        _delete_unreferenced(Person, people)
        added = set(DemoFacility.objects.values_list("facility_id", flat=True))
        _delete_unreferenced(Facility, added)


def _delete_unreferenced(model: type[Person] | type[Facility], ids: set[int]) -> None:
    """Delete these rows except those another record (of any app) still refers to."""
    keep: set[int] = set()
    for rel in model._meta.related_objects:
        if rel.related_model is DemoFacility or rel.many_to_many or not ids:
            continue
        name = rel.field.name
        keep |= set(
            rel.related_model._default_manager.filter(**{f"{name}__in": ids}).values_list(
                f"{name}_id", flat=True
            )
        )
    model._default_manager.filter(pk__in=ids - keep).delete()
