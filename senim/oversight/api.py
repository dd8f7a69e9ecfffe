"""NPM API: the register, visits with their checklist, findings and recommendations, status
changes, escalation, attachments, obstruction records, the matrix and the coverage report.

Mounted at /api/oversight/. Thin: parse (pydantic), call senim.oversight services, render.
Errors are {"errors": [{"field", "message"}]}: 422 for a broken rule or a wrong type, 403 for a
role or group that may not, 404 for a record outside the caller's groups, 413 for a file over
its limit. See docs/oversight.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from senim.core.bounds import Id, Offset, Year
from senim.core.demo_flag import demo_data_present
from senim.core.models import User
from senim.oversight import access as scope
from senim.oversight import documents, planning, registry, services, tables
from senim.oversight.categories import AGENCY_CODES
from senim.oversight.errors import Invalid, NotFound, OversightError
from senim.oversight.models import Obstruction, Visit
from senim.oversight.schemas import (
    AttachmentOut,
    CoverageOut,
    ErrorOut,
    EscalateIn,
    ImportOut,
    InstitutionPage,
    MatrixOut,
    ObstructionIn,
    ObstructionOut,
    ProposalOut,
    RecommendationIn,
    RecommendationOut,
    StatusIn,
    VisitDetailOut,
    VisitIn,
    VisitPage,
    errors,
)
from senim.register.ingest.readers import UnreadableFile, detect_format

router = Router(tags=["oversight"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _run(call: Callable[[], Any], status: int = 200) -> Any:
    """Call a service; its refusal becomes the shared error body with the service's status."""
    try:
        return Status(status, call())
    except OversightError as error:
        return Status(error.status, errors(error.message, error.field))
    except PermissionDenied as error:
        return Status(403, errors(str(error)))


def _visit_detail(visit: Visit) -> dict[str, Any]:
    return {
        **{
            f: getattr(visit, f)
            for f in (
                "id",
                "group_id",
                "institution_id",
                "visited_on",
                "unannounced",
                "interviews_private",
            )
        },
        "team": sorted(visit.team.values_list("pk", flat=True)),
        "checklist": list(visit.answers.order_by("id").values("item", "result", "value", "note")),
        "findings": list(visit.findings.order_by("id")),
        "recommendations": list(visit.recommendations.order_by("id")),
    }


@router.get(
    "/institutions", response={200: InstitutionPage, **ERRORS}, summary="The register in your scope"
)
def list_institutions(
    request: HttpRequest,
    agency: str = "",
    region: str = "",
    limit: int = Query(100, ge=1, le=500),
    offset: Offset = 0,
) -> Any:
    def read() -> dict[str, Any]:
        qs = scope.institutions(scope.access_for(_user(request))).order_by("code")
        if agency:
            qs = qs.filter(facility__kind__agency_code=agency)
        if region:
            qs = qs.filter(facility__region__iso=region)
        rows = [
            {
                "id": i.pk,
                "code": i.code,
                "name": i.facility.name,
                "kind": i.facility.kind.code,
                "agency": i.facility.kind.agency_code,
                "region": i.facility.region.iso,
                "active": i.active,
                "included_on": i.included_on,
            }
            for i in qs[offset : offset + limit]
        ]
        return {"count": qs.count(), "results": rows}

    return _run(read)


@router.post(
    "/institutions/import",
    response={200: ImportOut, **ERRORS},
    summary="Load the register from CSV or XLSX",
)
def import_institutions(request: HttpRequest, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Good rows load; bad ones come back with row number, field and reason. Idempotent."""

    def load() -> dict[str, Any]:
        try:
            fmt = detect_format(file.name or "")
            summary = registry.import_institutions(
                user=_user(request),
                handle=cast(IO[bytes], file.file),
                fmt=fmt,
                source_name=f"api:{file.name}",
            )
        except UnreadableFile as error:
            raise Invalid("file", str(error)) from None
        return summary.as_dict()

    return _run(load)


@router.get("/visits", response={200: VisitPage, **ERRORS}, summary="Visits of your groups")
def list_visits(
    request: HttpRequest,
    year: Year | None = None,
    group: Id | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: Offset = 0,
) -> Any:
    def read() -> dict[str, Any]:
        qs = scope.visits(scope.access_for(_user(request)))
        if year:
            qs = qs.filter(visited_on__year=year)
        if group:
            qs = qs.filter(group_id=group)
        return {"count": qs.count(), "results": list(qs[offset : offset + limit])}

    return _run(read)


@router.get(
    "/visits/{visit_id}", response={200: VisitDetailOut, **ERRORS}, summary="One visit in full"
)
def get_visit(request: HttpRequest, visit_id: Id) -> Any:
    def read() -> dict[str, Any]:
        visit = scope.visits(scope.access_for(_user(request))).filter(pk=visit_id).first()
        if visit is None:
            raise NotFound("visit", "No such visit in your groups.")
        return _visit_detail(visit)

    return _run(read)


@router.post("/visits", response={201: VisitDetailOut, **ERRORS}, summary="Record a visit")
def create_visit(request: HttpRequest, payload: VisitIn) -> Any:
    """The visit with its checklist, findings and recommendations, all stored or none."""

    def create() -> dict[str, Any]:
        visit = services.record_visit(
            user=_user(request),
            group_id=payload.group,
            institution_id=payload.institution,
            visited_on=payload.visited_on,
            unannounced=payload.unannounced,
            team_ids=payload.team,
            interviews_private=payload.interviews_private,
            note=payload.note,
            checklist=[
                services.AnswerIn(a.item, a.result, a.value, a.note) for a in payload.checklist
            ],
            findings=[
                services.FindingIn(f.text, f.item or "", f.ill_treatment) for f in payload.findings
            ],
            recommendations=[
                services.RecommendationIn(r.text, r.due_on, r.agency, r.institution, r.finding)
                for r in payload.recommendations
            ],
        )
        return _visit_detail(visit)

    return _run(create, 201)


@router.post(
    "/visits/{visit_id}/recommendations",
    response={201: RecommendationOut, **ERRORS},
    summary="Add a recommendation",
)
def add_recommendation(request: HttpRequest, visit_id: Id, payload: RecommendationIn) -> Any:
    rec = services.RecommendationIn(
        payload.text, payload.due_on, payload.agency, payload.institution
    )
    return _run(
        lambda: services.add_recommendation(
            user=_user(request), visit_id=visit_id, rec=rec, finding_id=payload.finding
        ),
        201,
    )


@router.post(
    "/visits/{visit_id}/attachments",
    response={201: AttachmentOut, **ERRORS},
    summary="Attach a file",
)
def add_attachment(request: HttpRequest, visit_id: Id, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    """Refused with 413, storing nothing, when the file is over the limit."""
    return _run(
        lambda: services.add_attachment(
            user=_user(request),
            visit_id=visit_id,
            name=file.name or "",
            content_type=file.content_type or "",
            size=file.size or 0,
            handle=cast(IO[bytes], file.file),
        ),
        201,
    )


@router.post(
    "/visits/{visit_id}/obstructions",
    response={201: ObstructionOut, **ERRORS},
    summary="Record an obstruction",
)
def add_obstruction(request: HttpRequest, visit_id: Id, payload: ObstructionIn) -> Any:
    return _run(
        lambda: services.record_obstruction(
            user=_user(request), visit_id=visit_id, **payload.model_dump()
        ),
        201,
    )


@router.get(
    "/obstructions/{obstruction_id}/pdf",
    response=ERRORS,
    summary="The record and the letter to the prosecutor",
)
def obstruction_pdf(request: HttpRequest, obstruction_id: Id, lang: str = "kk") -> Any:
    """application/pdf: the written record, then the letter (Art. 507 CoAO), in kk or ru."""
    if lang not in documents.LETTER_LANGUAGES:
        return Status(422, errors("kk or ru", "lang"))
    try:
        visits = scope.visits(scope.access_for(_user(request)))
    except PermissionDenied as error:
        return Status(403, errors(str(error)))
    item = Obstruction.objects.filter(pk=obstruction_id, visit__in=visits).first()
    if item is None:
        return Status(404, errors("No such record.", "obstruction"))
    pdf = documents.obstruction_pdf(item, language=lang, demo=demo_data_present())
    return HttpResponse(pdf, content_type="application/pdf")


@router.post(
    "/recommendations/{recommendation_id}/status",
    response={200: RecommendationOut, **ERRORS},
    summary="Record a status",
)
def change_status(request: HttpRequest, recommendation_id: Id, payload: StatusIn) -> Any:
    return _run(
        lambda: services.change_status(
            user=_user(request),
            recommendation_id=recommendation_id,
            status=payload.status,
            on=payload.on,
            note=payload.note,
        )
    )


@router.post(
    "/recommendations/escalate",
    response={201: ProposalOut, **ERRORS},
    summary="Escalate to a proposal of the Ombudsman",
)
def escalate(request: HttpRequest, payload: EscalateIn) -> Any:
    return _run(
        lambda: services.escalate(
            user=_user(request), recommendation_ids=payload.recommendations, text=payload.text
        ),
        201,
    )


@router.get(
    "/matrix",
    response={200: MatrixOut, **ERRORS},
    summary="Recommendations sent and implemented, region × agency",
)
def matrix(request: HttpRequest, year: Year) -> Any:
    def read() -> dict[str, Any]:
        table = tables.recommendation_matrix(user=_user(request), year=year)

        def cells(row: tuple[tables.Cell, ...]) -> dict[str, Any]:
            return {
                a: {"sent": c.sent, "implemented": c.implemented}
                for a, c in zip(AGENCY_CODES, row, strict=True)
            }

        return {
            "year": year,
            "agencies": list(AGENCY_CODES),
            "rows": [
                {"region": r.region.iso, "cells": cells(r.cells), "total": r.total.__dict__}
                for r in table.rows
            ],
            "totals": cells(table.totals),
            "total": table.total.__dict__,
        }

    return _run(read)


@router.get(
    "/coverage",
    response={200: CoverageOut, **ERRORS},
    summary="Institutions never or not recently visited",
)
def coverage(
    request: HttpRequest, status: str = "never", limit: int = Query(500, ge=1, le=5000)
) -> Any:
    def read() -> dict[str, Any]:
        rows = planning.coverage(user=_user(request))
        shown = [r for r in rows if r.status == status][:limit]
        return {
            "as_of": timezone.localdate(),
            "summary": planning.coverage_summary(rows),
            "institutions": [
                {
                    "code": r.institution.code,
                    "status": r.status,
                    "deadline": r.deadline.isoformat(),
                    "last_visit": r.last_visit.isoformat() if r.last_visit else None,
                }
                for r in shown
            ],
        }

    return _run(read)


# The visiting bodies' endpoints live in their own module and register on this router.
from senim.oversight import api_bodies  # noqa: E402, F401
