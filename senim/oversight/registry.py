"""The register of mandated institutions (file import) and the council, groups and their terms.

An import file has one row per institution, keyed by its register `code`:
    code, name, kind, region[, district, capacity, included_on, active, agency]
Good rows load and bad ones are listed with row number, field and reason; a row already loaded
with the same content is left alone, so loading the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.core import audit
from senim.core.models import District, Facility, FacilityKind, Region, User
from senim.oversight import access as scope
from senim.oversight.errors import Invalid
from senim.oversight.models import TERM_YEARS, Body, BodyKind, Institution, Member, Position
from senim.register.ingest.readers import UnreadableFile, read_rows

REQUIRED = ("code", "name", "kind", "region")
OPTIONAL = ("district", "capacity", "included_on", "active", "agency")
TRUE, FALSE = {"1", "true", "yes", "да", "иә", ""}, {"0", "false", "no", "нет", "жоқ"}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.errors),
            "errors": [e.__dict__ for e in self.errors],
        }


@dataclass(frozen=True)
class _Clean:
    code: str
    name: str
    kind: FacilityKind
    region: Region
    district: District | None
    capacity: int | None
    included_on: dt.date
    active: bool

    def digest(self) -> str:
        values: list[object] = [
            self.name,
            self.kind.code,
            self.region.iso,
            self.district.code if self.district else "",
        ]
        values += [self.capacity, self.included_on.isoformat(), self.active]
        return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


class _Lookups:
    def __init__(self) -> None:
        self.kinds = {k.code: k for k in FacilityKind.objects.all()}
        self.regions = {r.iso: r for r in Region.objects.all()}
        self.districts = {d.code: d for d in District.objects.all()}


def _clean(row: dict[str, str], lookups: _Lookups, today: dt.date) -> _Clean:
    """One row checked; raises Invalid naming the first field at fault."""
    code, name = row.get("code", "").strip(), row.get("name", "").strip()
    if not code or len(code) > 60:
        raise Invalid("code", _("A register code of 1 to 60 characters is required."))
    if not name or len(name) > 300:
        raise Invalid("name", _("A name of 1 to 300 characters is required."))
    kind = lookups.kinds.get(row.get("kind", "").strip())
    if kind is None:
        raise Invalid(
            "kind", _("Unknown kind of institution: %(value)s") % {"value": row.get("kind", "")}
        )
    agency = row.get("agency", "").strip()
    if agency and agency != kind.agency_code:
        raise Invalid(
            "agency",
            _("The kind %(kind)s belongs to %(agency)s.")
            % {"kind": kind.code, "agency": kind.agency_code},
        )
    region = lookups.regions.get(row.get("region", "").strip().upper())
    if region is None:
        raise Invalid(
            "region", _("Unknown region code: %(value)s") % {"value": row.get("region", "")}
        )
    district = None
    if row.get("district", "").strip():
        district = lookups.districts.get(row["district"].strip())
        if district is None or district.region_id != region.pk:
            raise Invalid("district", _("Unknown district, or not in this region."))
    capacity = None
    if row.get("capacity", "").strip():
        try:
            capacity = int(row["capacity"])
        except ValueError:
            raise Invalid("capacity", _("The capacity is a whole number.")) from None
        if capacity < 0:
            raise Invalid("capacity", _("The capacity cannot be negative."))
    included_on = today
    if row.get("included_on", "").strip():
        try:
            included_on = dt.date.fromisoformat(row["included_on"].strip()[:10])
        except ValueError:
            raise Invalid("included_on", _("Dates are written as YYYY-MM-DD.")) from None
        if included_on > today:
            raise Invalid("included_on", _("The date lies in the future."))
    flag = row.get("active", "").strip().lower()
    if flag not in TRUE | FALSE:
        raise Invalid("active", _("Write 1 (on the register) or 0 (removed)."))
    return _Clean(code, name, kind, region, district, capacity, included_on, flag in TRUE)


def import_institutions(
    *, user: User, handle: IO[bytes], fmt: str, source_name: str = ""
) -> ImportSummary:
    """Load a CSV or XLSX file into the register (administrators only); see the module docstring."""
    scope.require_manager(scope.access_for(user))
    lookups, today = _Lookups(), timezone.localdate()
    summary = ImportSummary()
    clean: dict[str, tuple[int, _Clean]] = {}
    header_checked = False
    for number, row in read_rows(handle, fmt):
        if "__error__" in row:
            summary.errors.append(RowError(number, "", row["__error__"]))
            continue
        if not header_checked:
            missing = [c for c in REQUIRED if c not in row]
            if missing:
                raise UnreadableFile(
                    _("Missing columns: %(columns)s") % {"columns": ", ".join(missing)}
                )
            header_checked = True
        try:
            item = _clean(row, lookups, today)
        except Invalid as error:
            summary.errors.append(RowError(number, error.field, error.message))
            continue
        if item.code in clean:
            message = _("The code repeats row %(row)s.") % {"row": clean[item.code][0]}
            summary.errors.append(RowError(number, "code", message))
            continue
        clean[item.code] = (number, item)
    _write([c for _, c in clean.values()], summary)
    audit.record(
        action="import",
        model="oversight.Institution",
        details={
            "source": source_name,
            **{k: v for k, v in summary.as_dict().items() if k != "errors"},
        },
        actor=user.get_username(),
    )
    return summary


def _write(rows: list[_Clean], summary: ImportSummary, source: str = "import") -> None:
    with transaction.atomic():
        existing = {
            i.code: i
            for i in Institution.objects.select_related("facility").filter(
                code__in=[r.code for r in rows]
            )
        }
        new = [r for r in rows if r.code not in existing]
        facilities = Facility.objects.bulk_create(
            [
                Facility(
                    name=r.name,
                    kind=r.kind,
                    region=r.region,
                    district=r.district,
                    capacity=r.capacity,
                )
                for r in new
            ]
        )
        Institution.objects.bulk_create(
            [
                Institution(
                    facility=f,
                    code=r.code,
                    active=r.active,
                    included_on=r.included_on,
                    source=source,
                    row_hash=r.digest(),
                )
                for r, f in zip(new, facilities, strict=True)
            ]
        )
        summary.created += len(new)
        changed_i, changed_f = [], []
        for r in rows:
            inst = existing.get(r.code)
            if inst is None:
                continue
            if inst.row_hash == r.digest():
                summary.unchanged += 1
                continue
            f = inst.facility
            f.name, f.kind, f.region, f.district, f.capacity = (
                r.name,
                r.kind,
                r.region,
                r.district,
                r.capacity,
            )
            inst.active, inst.included_on, inst.row_hash = r.active, r.included_on, r.digest()
            changed_f.append(f)
            changed_i.append(inst)
        Facility.objects.bulk_update(changed_f, ["name", "kind", "region", "district", "capacity"])
        Institution.objects.bulk_update(changed_i, ["active", "included_on", "row_hash"])
        summary.updated += len(changed_i)


# --- the council and the groups ----------------------------------------------------------------


def ensure_bodies(**kwargs: Any) -> None:
    """The council, the Ombudsman, and one NPM group and one Ombudsman's representative per
    region (20 regional groups, seed 004 §6; the regional representatives of §5); idempotent."""
    for kind in (BodyKind.COUNCIL, BodyKind.OMBUDSMAN):
        if not Body.objects.filter(kind=kind).exists():
            Body.objects.create(kind=kind)
    for kind in (BodyKind.GROUP, BodyKind.REPRESENTATIVE):
        have = set(Body.objects.filter(kind=kind).values_list("region_id", flat=True))
        Body.objects.bulk_create(
            [Body(kind=kind, region=r) for r in Region.objects.exclude(pk__in=have)]
        )


def term_end(start: dt.date) -> dt.date:
    """The last day of a two-year term that starts on `start`."""
    try:
        end = start.replace(year=start.year + TERM_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + TERM_YEARS, day=28)
    return end - dt.timedelta(days=1)


def appoint(
    *,
    user: User,
    body_id: int,
    full_name: str,
    position: str,
    term_start: dt.date,
    member_user_id: int | None = None,
) -> Member:
    """A two-year term in the council or a group; one person holds one term at a time in a body."""
    scope.require_manager(scope.access_for(user))
    body = Body.objects.filter(pk=body_id).first()
    if body is None:
        raise Invalid("body", _("Unknown council or group."))
    name = " ".join(full_name.split())
    if not name:
        raise Invalid("full_name", _("Write the participant's name."))
    if position not in Position.values:
        raise Invalid("position", _("Unknown position."))
    end = term_end(term_start)
    overlapping = Member.objects.filter(body=body, term_start__lte=end, term_end__gte=term_start)
    if overlapping.filter(full_name=name).exists() or (
        member_user_id and overlapping.filter(user_id=member_user_id).exists()
    ):
        raise Invalid("term_start", _("This person already holds a term in this body then."))
    if member_user_id and not User.objects.filter(pk=member_user_id, role="npm_monitor").exists():
        raise Invalid("user", _("Only a user with the NPM monitor role can be linked."))
    with transaction.atomic():
        return Member.objects.create(
            body=body,
            full_name=name,
            position=position,
            term_start=term_start,
            term_end=end,
            user_id=member_user_id,
        )


def end_term(*, user: User, member_id: int, on: dt.date) -> Member:
    """End a term early (the council's statute lets a member step down)."""
    scope.require_manager(scope.access_for(user))
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise Invalid("member", _("Unknown member."))
    if not member.term_start <= on <= member.term_end:
        raise Invalid("on", _("The date must lie within the term."))
    with transaction.atomic():
        member.term_end = on
        member.save(update_fields=["term_end"])
    return member
