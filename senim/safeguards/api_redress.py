"""API of compensation decisions and the book of information records (kept apart from api.py
so the two merge cleanly); registered on api.py's router, so under /api/safeguards/."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Schema

from senim.safeguards.api import ERRORS, WRITE, _created, _user, refusals, router
from senim.safeguards.services import redress
from senim.safeguards.views_redress import BookEntryForm, CompensationForm


class CompensationYearOut(Schema):
    year: int
    decisions: int
    amount: str
    published_decisions: int | None
    published_amount: str | None


class BookYearOut(Schema):
    year: int
    entries: int
    published: int | None


class RedressOut(Schema):
    compensation: list[CompensationYearOut]
    book: list[BookYearOut]


@router.get(
    "/redress",
    response={200: RedressOut, **ERRORS},
    summary="Compensation to torture victims and book-of-records entries by year",
)
@refusals
def redress_series(
    request: HttpRequest,
    first: int = Query(2023, ge=2000, le=2100),
    last: int = Query(2025, ge=2000, le=2100),
) -> Any:
    years = list(range(first, max(first, last) + 1))[:50]
    user = _user(request)
    return {
        "compensation": [
            {
                "year": r.year,
                "decisions": r.decisions,
                "amount": str(r.amount),
                "published_decisions": r.published_decisions,
                "published_amount": None if r.published_amount is None else str(r.published_amount),
            }
            for r in redress.compensation_series(user=user, years=years)
        ],
        "book": [
            {"year": r.year, "entries": r.entries, "published": r.published}
            for r in redress.book_series(user=user, years=years)
        ],
    }


@router.post("/compensation", response=WRITE, summary="Record a compensation decision")
@refusals
def create_compensation(request: HttpRequest, payload: CompensationForm) -> Any:
    return _created(redress.record_compensation(user=_user(request), **payload.model_dump()), True)


@router.post("/book-entries", response=WRITE, summary="Record a book-of-records entry")
@refusals
def create_book_entry(request: HttpRequest, payload: BookEntryForm) -> Any:
    return _created(redress.record_book_entry(user=_user(request), **payload.model_dump()), True)
