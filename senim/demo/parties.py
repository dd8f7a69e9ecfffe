"""Victims and offenders of the demo city's criminal offences, with repeats.

People are pseudonymised as everywhere in Senim: a synthetic, checksum-valid IIN is hashed with
the deployment's key and only the hash is stored. Repeats come from two sources: the process
itself (an offence triggered by an earlier one nearby often has the same victim, or the same
offender when it repeats the article: a series) and small pools of repeatedly victimised
people and prolific offenders drawn with heavy-tailed weights.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import connection

from senim.core.iin import check_digit, iin_hash
from senim.core.models import Person, Region
from senim.demo import db
from senim.demo.common import DEMO_CITY, rng_for
from senim.demo.offences import Columns
from senim.register.models import Offence, OffenceParty

NO_VICTIM = {
    "UK-287",
    "UK-296",
    "UK-297",
    "UK-346",
    "UK-361",
    "UK-362",
    "UK-366",
    "UK-367",
    "UK-368",
}
VICTIM_SHARE = 0.9
SAME_VICTIM_AS_PARENT = 0.4  # near-repeat at the same place: often the same household
SAME_OFFENDER_IN_SERIES = 0.6
REPEAT_VICTIM_POOL, REPEAT_VICTIM_SHARE = 0.02, 0.10
PROLIFIC_POOL, PROLIFIC_SHARE = 0.03, 0.25


class _People:
    """Synthetic people: sex, birth date and a unique checksum-valid IIN each."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.iins: list[str] = []
        self.seen: set[str] = set()

    def new(self, *, offender: bool) -> int:
        rng = self.rng
        age = rng.normal(31, 9) if offender else rng.uniform(18, 80)
        age = float(np.clip(age, 16, 85))
        birth = dt.date(2025, 7, 1) - dt.timedelta(days=int(age * 365.25))
        male = rng.random() < (0.85 if offender else 0.5)
        century = (3 if male else 4) if birth.year < 2000 else (5 if male else 6)
        serial = int(rng.integers(0, 10_000))
        while True:
            first = f"{birth:%y%m%d}{century}{serial:04d}"
            digit = check_digit(first)
            if digit is not None and first + str(digit) not in self.seen:
                break
            serial = (serial + 1) % 10_000
        iin = first + str(digit)
        self.seen.add(iin)
        self.iins.append(iin)
        return len(self.iins) - 1


def generate(seed: int, offences: Columns, code_of: dict[int, str]) -> dict[str, int]:
    """Write people and parties for the demo city's criminal offences (offences already stored)."""
    rng = rng_for(seed, "parties")
    city_id = Region.objects.get(iso=DEMO_CITY).id
    rows = np.nonzero(
        (offences["region_id"] == city_id)
        & np.isin(offences["kind"], ["crime", "criminal_misdemeanour"])
    )[0]
    rows = rows[np.argsort(offences["occurred_at"][rows], kind="stable")]
    people = _People(rng)
    victim_of: dict[int, int] = {}
    offender_of: dict[int, int] = {}
    repeat_victims: list[int] = []
    prolific: list[int] = []
    parties: list[tuple[int, int, str]] = []  # (offence row, person index, role)
    n = len(rows)
    for _ in range(max(1, int(n * REPEAT_VICTIM_POOL))):
        repeat_victims.append(people.new(offender=False))
    for _ in range(max(1, int(n * PROLIFIC_POOL))):
        prolific.append(people.new(offender=True))
    # Heavy-tailed but bounded: a few people a dozen times or more, most two or three times.
    victim_w = rng.pareto(3.0, len(repeat_victims)) + 1
    victim_w /= victim_w.sum()
    prolific_w = rng.pareto(2.5, len(prolific)) + 1
    prolific_w /= prolific_w.sum()
    u = rng.random((n, 4))
    for k, row in enumerate(rows):
        code = code_of[int(offences["article_id"][row])]
        parent = int(offences["parent"][row])
        if code not in NO_VICTIM and u[k, 0] < VICTIM_SHARE:
            if parent in victim_of and u[k, 1] < SAME_VICTIM_AS_PARENT:
                person = victim_of[parent]
            elif u[k, 1] < SAME_VICTIM_AS_PARENT + REPEAT_VICTIM_SHARE:
                person = repeat_victims[int(rng.choice(len(repeat_victims), p=victim_w))]
            else:
                person = people.new(offender=False)
            victim_of[int(row)] = person
            parties.append((int(row), person, "victim"))
        status = offences["status"][row]
        if status in ("solved", "sent_to_court"):
            same_article = (
                parent >= 0 and offences["article_id"][parent] == offences["article_id"][row]
            )
            if parent in offender_of and same_article and u[k, 2] < SAME_OFFENDER_IN_SERIES:
                person = offender_of[parent]
            elif u[k, 3] < PROLIFIC_SHARE:
                person = prolific[int(rng.choice(len(prolific), p=prolific_w))]
            else:
                person = people.new(offender=True)
            offender_of[int(row)] = person
            role = "offender" if status == "sent_to_court" else "suspect"
            parties.append((int(row), person, role))
    # A victim cannot also be the offender of the same offence.
    parties = [p for p in parties if not (p[2] != "victim" and victim_of.get(p[0]) == p[1])]
    person_ids = _store_people(people.iins)
    offence_ids = db.ids_by_external_id(Offence)
    db.insert(
        OffenceParty,
        {
            "offence_id": [offence_ids[offences["external_id"][r]] for r, _, _ in parties],
            "person_id": [person_ids[p] for _, p, _ in parties],
            "role": [role for _, _, role in parties],
        },
    )
    return {"people": len(people.iins), "parties": len(parties)}


def _store_people(iins: list[str]) -> list[int]:
    """Insert the people not already known (by IIN hash); their ids in the order given."""
    hashes = [iin_hash(i) for i in iins]
    births, sexes = [], []
    for iin in iins:
        century = int(iin[6])
        year = (1900 if century in (3, 4) else 2000) + int(iin[:2])
        births.append(f"{year}-{iin[2:4]}-{iin[4:6]}")
        sexes.append("M" if century % 2 else "F")
    existing = _ids_for(hashes)
    new = [i for i, h in enumerate(hashes) if h not in existing]
    db.insert(
        Person,
        {
            "iin_hash": [hashes[i] for i in new],
            "birth_date": [births[i] for i in new],
            "sex": [sexes[i] for i in new],
        },
    )
    ids = _ids_for(hashes)
    return [ids[h] for h in hashes]


def _ids_for(hashes: list[str]) -> dict[str, int]:
    table = Person._meta.db_table
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(hashes), 5000):
            chunk = hashes[start : start + 5000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT iin_hash, id FROM {table} WHERE iin_hash IN ({marks})", chunk)
            found.update(cursor.fetchall())
    return found
