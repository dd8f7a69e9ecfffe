"""Writes of thematic results: loading a file of one kind (command and upload form alike)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from senim.core.models import User
from senim.core.permissions import Perm, can
from senim.core.scope import allowed_region_ids
from senim.register.models import Offence
from senim.results import models as m
from senim.results.errors import FileRejected, Forbidden, Invalid, RowError
from senim.results.ingest import SCHEMAS, CellError, Lookups, Row, Schema
from senim.results.selectors import LIVESTOCK_ARTICLES
from senim.trust import readers

SOURCE_MAX = 40


@dataclass
class LoadResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def schema_for(kind: str) -> Schema:
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise Invalid("kind", _("Unknown kind of result: %(kind)s.") % {"kind": kind})
    return schema


def results_load(
    *, user: User | None, kind: str, handle: IO[bytes], filename: str, source_system: str
) -> LoadResult:
    """Load one CSV or XLSX file of `kind`; all rows or none. `user` None is the system (the
    management command); a user needs the load permission and loads only in their regions."""
    schema = schema_for(kind)
    if user is not None and not can(user, Perm.RESULTS_LOAD):
        raise Forbidden("", _("Your role may not load results."))
    source_system = source_system.strip()
    if not source_system or len(source_system) > SOURCE_MAX:
        raise Invalid("source_system", _("Name the source system (at most 40 characters)."))
    regions = allowed_region_ids(user) if user is not None else None
    if schema.national and regions is not None:
        raise Forbidden("kind", _("Reports for the whole country are loaded at national level."))
    data = readers.read_bytes(handle)
    file_kind = readers.file_kind(filename, data[:8])
    if file_kind not in {"csv", "xlsx"}:
        raise FileRejected([RowError(0, "file", _("Load a CSV or XLSX file."))])
    header, rows = readers.read_table(data, file_kind)
    _check_header(schema, header)
    parsed = _parse(schema, rows, source_system, regions)
    with transaction.atomic():
        return _write(schema, parsed)


def result_enter(
    *, user: User, kind: str, values: dict[str, str], source_system: str
) -> LoadResult:
    """One record typed into the form: the same checks and key as a file's row; an error names
    its field (row 0)."""
    schema = schema_for(kind)
    if not can(user, Perm.RESULTS_LOAD):
        raise Forbidden("", _("Your role may not load results."))
    source_system = source_system.strip()
    if not source_system or len(source_system) > SOURCE_MAX:
        raise Invalid("source_system", _("Name the source system (at most 40 characters)."))
    regions = allowed_region_ids(user)
    if schema.national and regions is not None:
        raise Forbidden("kind", _("Reports for the whole country are loaded at national level."))
    row = {c: str(values.get(c, "")).strip()[:400] for c in schema.all_columns}
    try:
        parsed = _parse(schema, [(0, row)], source_system, regions)
    except FileRejected as error:
        first = error.errors[0]
        more = [(e.field, e.message) for e in error.errors[1:]]
        raise Invalid(first.field, first.message, more=more) from None
    with transaction.atomic():
        return _write(schema, parsed)


def _check_header(schema: Schema, header: list[str]) -> None:
    errors = [
        RowError(1, c, _("The column is missing.")) for c in schema.columns if c not in header
    ]
    errors += [
        RowError(
            1, c, _("Unknown column; expected: %(cols)s.") % {"cols": ", ".join(schema.all_columns)}
        )
        for c in header
        if c not in schema.all_columns
    ]
    if errors:
        raise FileRejected(errors)


def _parse(
    schema: Schema, rows: list[tuple[int, Row]], source: str, regions: set[int] | None
) -> list[tuple[int, dict[str, Any]]]:
    if not rows:
        raise FileRejected([RowError(2, "", _("The file has no rows below the header."))])
    refs = Lookups.load()
    errors: list[RowError] = []
    out: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, ...], int] = {}
    for number, row in rows:
        try:
            values = schema.parse(row, refs)
            if schema.model is m.LivestockTheft:
                values = _livestock_offence(values, regions)
                key: tuple[str, ...] = (str(values["offence"].pk),)
                field = "offence_number"
            else:
                values["source_system"] = source
                key, field = (values["external_id"],), "source_number"
                region = values.get("region")
                if regions is not None and (region is None or region.pk not in regions):
                    raise CellError("region", _("This region is outside your scope."))
            if schema.model is m.BlockedCalls:
                key2 = ("period", values["operator"].code, values["period"].isoformat())
                _once_a_month(values, source, seen, key2, number)
            if key in seen:
                raise CellError(field, _("The same record as row %(row)d.") % {"row": seen[key]})
            seen[key] = number
            out.append((number, values))
        except CellError as error:
            errors.append(RowError(number, error.field, error.message))
    if errors:
        raise FileRejected(errors)
    if regions is not None and schema.model is not m.LivestockTheft:
        # A key another region's record holds is not a correction: it would move that record
        # into the caller's region (issue 16 item 6).
        model: Any = schema.model
        foreign = set(
            model.objects.filter(
                source_system=source, external_id__in=[v["external_id"] for _n, v in out]
            )
            .exclude(region_id__in=regions)
            .values_list("external_id", flat=True)
        )
        message = _("This source number is taken; give the record its own number.")
        errors = [
            RowError(n, "source_number", message) for n, v in out if v["external_id"] in foreign
        ]
        if errors:
            raise FileRejected(errors)
    return out


def _once_a_month(
    values: dict[str, Any],
    source: str,
    seen: dict[tuple[str, ...], int],
    key: tuple[str, ...],
    number: int,
) -> None:
    if key in seen:
        raise CellError(
            "period", _("This operator's month is also in row %(row)d.") % {"row": seen[key]}
        )
    seen[key] = number
    other = (
        m.BlockedCalls.objects.filter(operator=values["operator"], period=values["period"])
        .exclude(source_system=source, external_id=values["external_id"])
        .exists()
    )
    if other:
        raise CellError(
            "period", _("This operator's month is already loaded under another number.")
        )


def _livestock_offence(values: dict[str, Any], regions: set[int] | None) -> dict[str, Any]:
    offence = (
        Offence.objects.select_related("article")
        .filter(
            source_system=values.pop("offence_system"), external_id=values.pop("offence_number")
        )
        .first()
    )
    if offence is None or (regions is not None and offence.region_id not in regions):
        raise CellError("offence_number", _("No such offence in the register within your scope."))
    if offence.article.code not in LIVESTOCK_ARTICLES:
        raise CellError("offence_number", _("The offence is not a theft, robbery or brigandage."))
    return values | {"offence": offence}


def _same(record: Any, values: dict[str, Any]) -> bool:
    for field, value in values.items():
        current = getattr(record, field)
        if isinstance(value, Decimal):
            if Decimal(current) != value:
                return False
        elif current != value:
            return False
    return True


def _write(schema: Schema, rows: list[tuple[int, dict[str, Any]]]) -> LoadResult:
    result = LoadResult(kind=schema.kind, rows=len(rows))
    model: Any = schema.model
    for _number, values in rows:
        if model is m.LivestockTheft:
            lookup = {"offence": values["offence"]}
        else:
            lookup = {
                "source_system": values["source_system"],
                "external_id": values["external_id"],
            }
        record = model.objects.filter(**lookup).first()
        if record is None:
            model.objects.create(**values)
            result.created += 1
        elif _same(record, values):
            result.unchanged += 1
        else:
            for field, value in values.items():
                setattr(record, field, value)
            record.save()
            result.updated += 1
    return result
