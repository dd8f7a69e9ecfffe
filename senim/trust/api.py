"""Trust API: surveys (estimates, loads, weights), the trust index, media items and their cases.

Thin: parse, call senim.trust.services, render. Every error body is
{"errors": [{"field", "message", "row"}]} ("row" only for rows of a rejected file).
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any, Literal, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from senim.core.bounds import Id, Offset, Year
from senim.core.models import User
from senim.trust.errors import FileRejected, TrustError
from senim.trust.services import index, media, surveys, workflow

router = Router(tags=["trust"])


class ErrorItem(Schema):
    field: str
    message: str
    row: int | None = None


class ErrorOut(Schema):
    errors: list[ErrorItem]


class ShareOut(Schema):
    option: str
    label: str
    share: float
    low: float
    high: float
    se: float
    published: float | None = None


class MeanOut(Schema):
    estimate: float
    low: float
    high: float
    se: float


class ItemEstimateOut(Schema):
    item: str
    kind: str
    n: int
    n_eff: float
    deff: float | None
    weighted: bool
    shares: list[ShareOut]
    mean: MeanOut | None = None


class SurveyOut(Schema):
    code: str
    title: str
    year: int
    questionnaire: str
    weighted: bool


class LoadOut(Schema):
    respondents: int
    answers: int


class IndexPointOut(Schema):
    year: int
    survey: str
    index: float
    low: float
    high: float
    n: int


class IndexSeriesOut(Schema):
    code: str
    name: str
    points: list[IndexPointOut]


class MediaIn(Schema):
    source: str = Field(min_length=1, max_length=120)
    external_id: str = Field("", max_length=300)
    url: str = Field("", max_length=500)
    title: str = Field(min_length=1, max_length=500)
    text: str = Field("", max_length=20_000)
    published_at: dt.datetime
    region: str = Field("", max_length=8)
    unit: Id | None = None


class MediaOut(Schema):
    id: int
    source: str
    title: str
    published_at: dt.datetime
    region: str | None
    language: str
    tone: str
    classifier_tone: str
    probability: float
    # [word, weight] pairs; a tuple type would describe itself as `items: [...]`, which
    # OpenAPI 3.1 does not allow (schemathesis refused the description).
    evidence: list[list[str | float]]
    topics: list[str]
    response_state: str | None


class SavedOut(Schema):
    id: int
    created: bool


class ImportOut(Schema):
    created: int
    unchanged: int
    critical: int


class ToneIn(Schema):
    tone: Literal["positive", "negative", "neutral"]


class ActionIn(Schema):
    action: Literal["verify", "answer", "refute", "start_check", "close"]
    note: str = Field("", max_length=5000)
    confirmed: bool | None = None
    unit: Id | None = None


class StateOut(Schema):
    state: str
    next_actions: list[str]


class CriticalRowOut(Schema):
    region: str | None
    unit: str | None
    months: list[int]
    total: int


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _fail(error: TrustError) -> Status[Any]:
    if isinstance(error, FileRejected):
        rows = [{"field": e.field, "message": e.message, "row": e.row} for e in error.errors]
        return Status(422, {"errors": rows})
    return Status(error.status, {"errors": [{"field": error.field, "message": error.message}]})


def _media_out(item: Any) -> dict[str, Any]:
    response = getattr(item, "response", None) if hasattr(item, "response") else None
    return {
        "id": item.pk,
        "source": item.source,
        "title": item.title,
        "published_at": item.published_at,
        "region": item.region.iso if item.region_id else None,
        "language": item.language,
        "tone": item.final_tone,
        "classifier_tone": item.tone,
        "probability": item.tone_probability,
        "evidence": [tuple(e) for e in item.tone_evidence],
        "topics": [t["code"] for t in item.topics],
        "response_state": response.state if response else None,
    }


# --- surveys ---------------------------------------------------------------------------------


@router.get("/surveys", response={200: list[SurveyOut], **ERRORS}, summary="Surveys")
def list_surveys(request: HttpRequest) -> Any:
    try:
        found = surveys.surveys_for(_user(request))
    except TrustError as error:
        return _fail(error)
    return [{"code": s.code, "title": s.title, "year": s.year, "questionnaire": s.questionnaire.code,
             "weighted": s.weighted_at is not None} for s in found]  # fmt: skip


@router.get("/surveys/{code}/estimates", response={200: list[ItemEstimateOut], **ERRORS},
            summary="Weighted estimates of every item, with 95 % intervals")  # fmt: skip
def estimates(request: HttpRequest, code: str, region: str = Query("", max_length=8)) -> Any:
    user = _user(request)
    try:
        survey = surveys.get_survey(user=user, code=code)
        result = surveys.survey_estimates(user=user, survey=survey, region=region.upper() or None)
    except TrustError as error:
        return _fail(error)
    return [
        {
            "item": e.item.code, "kind": e.item.kind, "n": e.n, "n_eff": e.n_eff,
            "deff": None if e.deff != e.deff else e.deff, "weighted": e.weighted,
            "shares": [{"option": s.option.code, "label": s.option.label, "share": s.share.estimate,
                        "low": s.share.low, "high": s.share.high, "se": s.share.se,
                        "published": s.published} for s in e.shares],
            "mean": None if e.mean is None else {"estimate": e.mean.estimate, "low": e.mean.low,
                                                 "high": e.mean.high, "se": e.mean.se},
        }
        for e in result
    ]  # fmt: skip


@router.post("/surveys/{code}/responses", response={200: LoadOut, **ERRORS},
             summary="Load a CSV or XLSX file of responses (all or nothing)")  # fmt: skip
def load_responses(request: HttpRequest, code: str, file: UploadedFile = File(...)) -> Any:  # noqa: B008
    user = _user(request)
    try:
        survey = surveys.get_survey(user=user, code=code)
        result = surveys.load_responses(
            user=user, survey=survey, handle=cast(IO[bytes], file.file), filename=file.name or ""
        )
    except TrustError as error:
        return _fail(error)
    return {"respondents": result.respondents, "answers": result.answers}


@router.post("/surveys/{code}/weights", response={200: dict[str, Any], **ERRORS},
             summary="Rake the respondents to the population margins")  # fmt: skip
def weights(request: HttpRequest, code: str) -> Any:
    user = _user(request)
    try:
        survey = surveys.get_survey(user=user, code=code)
        report = surveys.compute_weights(user=user, survey=survey)
    except TrustError as error:
        return _fail(error)
    return {k: v for k, v in report.items() if k != "margins"}


@router.get("/index", response={200: list[IndexSeriesOut], **ERRORS},
            summary="The trust index (0–100) per region and year, and the country's")  # fmt: skip
def trust_index(request: HttpRequest) -> Any:
    try:
        regions, national = index.trust_index(user=_user(request))
    except TrustError as error:
        return _fail(error)
    out = []
    for s in [*([national] if national else []), *regions]:
        out.append({
            "code": s.code, "name": s.name or _("Kazakhstan"),
            "points": [{"year": p.year, "survey": p.survey, "index": p.value.estimate,
                        "low": p.value.low, "high": p.value.high, "n": p.value.n} for p in s.points],
        })  # fmt: skip
    return out


# --- media -----------------------------------------------------------------------------------


@router.get("/media", response={200: list[MediaOut], **ERRORS}, summary="Media items in scope")
def list_media(
    request: HttpRequest,
    tone: Literal["positive", "negative", "neutral"] | None = None,
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
) -> Any:
    try:
        qs = media.items_for(_user(request)).select_related("response")
    except TrustError as error:
        return _fail(error)
    if tone:
        qs = qs.filter(final_tone=tone)
    return [_media_out(i) for i in qs[offset : offset + limit]]


@router.post("/media", response={200: SavedOut, 201: SavedOut, **ERRORS},
             summary="Enter one item; it is classified on the way in")  # fmt: skip
def create_media(request: HttpRequest, payload: MediaIn) -> Any:
    try:
        saved = media.add_item(user=_user(request), fields=payload.model_dump())
    except TrustError as error:
        return _fail(error)
    return Status(201 if saved.created else 200, {"id": saved.id, "created": saved.created})


@router.post("/media/import", response={200: ImportOut, **ERRORS},
             summary="Load a CSV, RSS 2.0 or Atom file of items (all or nothing)")  # fmt: skip
def import_media(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    source: str = Form("", max_length=120),
    region: str = Form("", max_length=8),
) -> Any:
    try:
        summary = media.import_items(
            user=_user(request), handle=cast(IO[bytes], file.file), filename=file.name or "",
            source=source, region=region,
        )  # fmt: skip
    except TrustError as error:
        return _fail(error)
    return summary.__dict__


@router.get("/media/{item_id}", response={200: MediaOut, **ERRORS}, summary="One media item")
def get_media(request: HttpRequest, item_id: Id) -> Any:
    try:
        return _media_out(media.get_item(user=_user(request), item_id=item_id))
    except TrustError as error:
        return _fail(error)


@router.post("/media/{item_id}/tone", response={200: MediaOut, **ERRORS},
             summary="Correct the tone (used when the classifier is retrained)")  # fmt: skip
def correct(request: HttpRequest, item_id: Id, payload: ToneIn) -> Any:
    user = _user(request)
    try:
        media.correct_tone(user=user, item_id=item_id, tone=payload.tone)
        return _media_out(media.get_item(user=user, item_id=item_id))
    except TrustError as error:
        return _fail(error)


@router.post("/media/{item_id}/response", response={200: StateOut, **ERRORS},
             summary="Advance the response to a critical item")  # fmt: skip
def advance(request: HttpRequest, item_id: Id, payload: ActionIn) -> Any:
    try:
        response = workflow.advance(
            user=_user(request), item_id=item_id, action=payload.action, note=payload.note,
            confirmed=payload.confirmed, unit_id=payload.unit,
        )  # fmt: skip
    except TrustError as error:
        return _fail(error)
    return {"state": response.state, "next_actions": workflow.next_actions(response)}


@router.get("/media-critical", response={200: list[CriticalRowOut], **ERRORS},
            summary="Critical items per month by region and unit")  # fmt: skip
def critical(request: HttpRequest, year: Year) -> Any:
    try:
        rows = media.critical_counts(user=_user(request), year=year)
    except TrustError as error:
        return _fail(error)
    return [{"region": r.region.iso if r.region else None, "unit": r.unit.name if r.unit else None,
             "months": r.months, "total": r.total} for r in rows]  # fmt: skip
