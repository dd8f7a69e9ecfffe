"""Register API: read and write appeals and offences, change an offence's status, load files.

Thin by design: parse, authorise, call senim.register.services, render. Every error body is
{"errors": [{"field", "message"}]}, like the validation errors of senim.config.api.
See docs/api.md for roles, examples and the error format.
"""

from __future__ import annotations

from typing import IO, Any, Literal, cast

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from senim.core.api_auth import SESSION, issue_token
from senim.core.audit import acting_as
from senim.core.bounds import Id
from senim.core.errors import UseCaseError
from senim.core.models import User
from senim.core.permissions import Perm, can
from senim.register import selectors, services
from senim.register.ingest.pipeline import FileRejected
from senim.register.ingest.readers import UnreadableFile, detect_format
from senim.register.schemas import (
    AppealFilters,
    AppealIn,
    AppealOut,
    AppealPage,
    CreatedOut,
    ErrorOut,
    LoadSummaryOut,
    OffenceFilters,
    OffenceIn,
    OffenceOut,
    OffencePage,
    StatusIn,
    TokenOut,
    errors,
)
from senim.register.selectors import Kind

router = Router(tags=["register"])

Reply = Status[Any]
READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
LIST = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
WRITE = {200: CreatedOut, 201: CreatedOut, 401: ErrorOut, 403: ErrorOut}
WRITE |= {409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _list(request: HttpRequest, kind: Kind, filters: Any, start: str, end: str) -> Any:
    """One keyset page of a list: unknown parameters, bad values and a bad cursor are 422."""
    known = set(type(filters).model_fields)
    unknown = sorted(set(request.GET) - known)
    if unknown:
        message = _("unknown filter; known: %(known)s") % {"known": ", ".join(sorted(known))}
        return Status(422, {"errors": [{"field": name, "message": message} for name in unknown]})
    values = filters.model_dump(exclude={"limit", "cursor", start, end})
    user = _user(request)
    if not can(user, Perm.REGISTER):
        return _forbidden(_("Your role does not read the register."))
    try:
        query = selectors.parse_query(
            kind,
            values,
            start=getattr(filters, start),
            end=getattr(filters, end),
            bound_names=(start, end),
        )
        qs = selectors.filtered(user, query)
        cursor = selectors.Cursor.decode(filters.cursor) if filters.cursor is not None else None
        page = selectors.page(qs, kind, cursor, filters.limit)
    except UseCaseError as error:
        return Status(error.status, errors(error.message, error.field))
    rows = selectors.with_party_counts(page.rows) if kind == "offences" else page.rows
    return {
        "results": rows,
        "next_cursor": page.next_cursor,
        "previous_cursor": page.previous_cursor,
    }


def _not_found() -> Reply:
    # The same answer whether the record exists outside the caller's scope or not at all.
    return Status(404, errors(_("Not found.")))


def _forbidden(message: str) -> Reply:
    return Status(403, errors(message))


def _create(request: HttpRequest, kind: str, row: dict[str, str]) -> Reply:
    user = _user(request)
    if not services.can_write(user):
        return _forbidden(_("Your role may read the register but not write to it."))
    try:
        result = services.create_record(user=user, kind=kind, row=row)
    except services.OutsideScope as error:
        return Status(403, errors(error.message, error.field))
    except services.Conflict as error:
        return Status(409, errors(error.message, error.field))
    except services.Invalid as error:
        return Status(422, errors(error.message, error.field))
    return Status(201 if result.created else 200, result)


# --- appeals ---------------------------------------------------------------------------------


@router.get("/appeals", response={200: AppealPage, **LIST}, summary="List appeals in scope")
def list_appeals(request: HttpRequest, filters: Query[AppealFilters]) -> Any:
    """Newest first, a keyset page at a time (`cursor`); no totals. See docs/api.md."""
    return _list(request, "appeals", filters, "received_from", "received_to")


@router.get("/appeals/{appeal_id}", response={200: AppealOut, **READ}, summary="One appeal")
def get_appeal(request: HttpRequest, appeal_id: Id) -> Any:
    if not can(_user(request), Perm.REGISTER):
        return _forbidden(_("Your role does not read the register."))
    appeal = selectors.appeal(_user(request), appeal_id)
    return appeal if appeal is not None else _not_found()


@router.post("/appeals", response=WRITE, summary="Create one appeal")
def create_appeal(request: HttpRequest, payload: AppealIn) -> Reply:
    """201 when created; 200 with the existing id when an identical record is already loaded."""
    return _create(request, "appeals", payload.as_row())


# --- offences --------------------------------------------------------------------------------


@router.get("/offences", response={200: OffencePage, **LIST}, summary="List offences in scope")
def list_offences(request: HttpRequest, filters: Query[OffenceFilters]) -> Any:
    """Newest first, a keyset page at a time (`cursor`); parties as counts by role."""
    return _list(request, "offences", filters, "registered_from", "registered_to")


@router.get("/offences/{offence_id}", response={200: OffenceOut, **READ}, summary="One offence")
def get_offence(request: HttpRequest, offence_id: Id) -> Any:
    if not can(_user(request), Perm.REGISTER):
        return _forbidden(_("Your role does not read the register."))
    offence = selectors.offence(_user(request), offence_id)
    if offence is None:
        return _not_found()
    return selectors.with_party_counts([offence])[0]


@router.post("/offences", response=WRITE, summary="Create one offence")
def create_offence(request: HttpRequest, payload: OffenceIn) -> Reply:
    """201 when created; 200 with the existing id when an identical record is already loaded."""
    return _create(request, "offences", payload.as_row())


@router.patch(
    "/offences/{offence_id}/status",
    response={200: OffenceOut, 403: ErrorOut, 422: ErrorOut, **READ},
    summary="Change an offence's status",
)
def change_status(request: HttpRequest, offence_id: Id, payload: StatusIn) -> Any:
    """Follows the offence lifecycle; the reason is kept in the audit log."""
    user = _user(request)
    if not services.can_write(user):
        # Scope first: a read-only user must not learn more from 403 than from 404.
        if not services.offences(user=user).filter(pk=offence_id).exists():
            return _not_found()
        return _forbidden(_("Your role may read the register but not write to it."))
    try:
        offence = services.change_offence_status(
            user=user, pk=offence_id, status=payload.status, reason=payload.reason
        )
    except services.Invalid as error:
        return Status(422, errors(error.message, error.field))
    return offence if offence is not None else _not_found()


# --- bulk load -------------------------------------------------------------------------------


@router.post(
    "/ingest",
    response={200: LoadSummaryOut, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary="Load a CSV, JSON Lines or XLSX file",
)
def ingest_file(
    request: HttpRequest,
    kind: Literal["appeals", "offences", "case_steps", "damage", "searches"],
    file: UploadedFile = File(...),  # noqa: B008 - django-ninja's way to declare a part
    fmt: Literal["csv", "jsonl", "xlsx"] | None = Query(
        None, alias="format", description="Overrides the file name's extension."
    ),
) -> Any:
    """Good rows load, bad rows are listed with row number, field and reason (200 either way).

    Rows outside the caller's territorial scope are refused row by row.
    """
    user = _user(request)
    if not services.can_ingest(user):
        return _forbidden(_("Only administrators and regional analysts may load files."))
    limit = settings.INGEST_MAX_UPLOAD_BYTES
    if file.size is not None and file.size > limit:
        message = _("The file is %(size)d bytes; the limit is %(limit)d bytes.")
        return Status(413, errors(message % {"size": file.size, "limit": limit}, "file"))
    try:
        file_format = fmt or detect_format(file.name or "")
        file.seek(0)
        summary = services.load_file(
            user=user,
            kind=kind,
            handle=cast(IO[bytes], file.file),  # set for every uploaded file
            fmt=file_format,
            source_name=f"api:{file.name}",
        )
    except (FileRejected, UnreadableFile) as error:
        return Status(422, errors(str(error), "file"))
    return summary.as_dict()


# --- tokens ----------------------------------------------------------------------------------


@router.post(
    "/token",
    auth=SESSION,  # a signed-in session only: a token must not mint its own successors
    response={200: TokenOut, 401: ErrorOut},
    summary="Issue an API token for the signed-in user",
)
def create_token(request: HttpRequest) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    # Read by the audit signal, so the log says why the user record changed.
    user._audit_reason = "API token issued"  # type: ignore[attr-defined]
    token = issue_token(user)
    return {
        "token": token,
        "expires_at": user.api_token_expires_at,
        "message": _("Shown once; a new token replaces this one. Send it as: Bearer <token>."),
    }


@router.delete("/token", response={204: None, 401: ErrorOut}, summary="Revoke your API token")
def revoke_token(request: HttpRequest) -> Any:
    user = _user(request)
    user._audit_reason = "API token revoked"  # type: ignore[attr-defined]
    # The actor middleware ran before bearer authentication, so name the actor here.
    with acting_as(user.get_username()):
        user.api_token_hash = ""
        user.api_token_expires_at = None
        user.save(update_fields=["api_token_hash", "api_token_expires_at"])
    return Status(204, None)
