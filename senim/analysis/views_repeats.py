"""Pages of the analytics centre's repeats: the list page, a repeat place's page, a person's page.

The list page (/analytics/repeats/) shows, for an area and period, the repeat places, how many
victims and offenders come back (and, to roles with Perm.PERSONS, who: pseudonyms only, each
list shown audit-logged) and the Knox near-repeat table. `?format=csv&table=…` downloads one of
the four tables, whole. Each repeat place and person has its own page listing the register's
records involved, linked to their record pages. Errors follow senim.analysis.views: a bad value
is 400 with the message by the form, an unknown territory 404, one outside the scope 403.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from senim.analysis import areas, params
from senim.analysis import repeats as rp
from senim.analysis.params import KINDS, AnalysisError, kind_label
from senim.analysis.views import _page
from senim.analytics.indicators import Period
from senim.core import audit
from senim.core.models import Person, User
from senim.core.permissions import Perm, can
from senim.register.services import offences_by_id

TABLES = ("places", "victims", "offenders", "knox")
PAGE_FIELDS = ("places_page", "victims_page", "offenders_page")
ANCHORS = {
    "places_page": "repeat-places",
    "victims_page": "repeat-victims",
    "offenders_page": "repeat-offenders",
}


# --- what a request asks for -------------------------------------------------------------------


def _request(
    request: HttpRequest, user: User, common: params.Common, area: areas.Area
) -> tuple[Period, tuple[str, ...], rp.Settings]:
    default = areas.period_ending(areas.last_day(user, area), rp.DEFAULT_DAYS)
    period = params.check_period(common.date_from, common.date_to, default)
    kinds = rp.check_kinds_or_default(common.kinds)
    return period, kinds, rp.settings_from_query(request.GET)


def _query(
    area: areas.Area, period: Period, kinds: tuple[str, ...], settings: rp.Settings
) -> dict[str, Any]:
    """The query string that asks for these repeats again (links keep it)."""
    return {
        "area": area.code,
        "date_from": period.start.isoformat(),
        "date_to": period.last_day.isoformat(),
        "kind": list(kinds),
    } | settings.query()


def _url(name: str, query: dict[str, Any], *args: Any, **extra: Any) -> str:
    return reverse(name, args=args) + "?" + urlencode(query | extra, doseq=True)


def _pager(
    query: dict[str, Any], numbers: dict[str, int], field: str, page: rp.Page
) -> dict[str, Any]:
    """Links to the previous and next page of one list, the other lists staying where they are."""
    kept = {f: n for f, n in numbers.items() if n > 1 and f != field}

    def link(n: int) -> str:
        url = _url("analysis-repeats", query | kept, **({field: n} if n > 1 else {}))
        return f"{url}#{ANCHORS[field]}"

    return {
        "page": page,
        "previous_url": link(page.number - 1) if page.has_previous else None,
        "next_url": link(page.number + 1) if page.has_next else None,
    }


def _people_read(user: User, people: rp.People, area: areas.Area, period: Period, how: str) -> None:
    """One audit entry per list of people shown or exported: who looked at whom, and why."""
    if not people.people:
        return
    audit.record(
        action=how,
        model=Person._meta.label,
        details={
            "purpose": f"repeat {people.group} of {area.code}",
            "period": [period.start.isoformat(), period.last_day.isoformat()],
            "people": people.person_ids,
        },
        actor=user.get_username(),
    )


def _forbidden_people() -> PermissionDenied:
    return PermissionDenied(_("Your role does not see person-level data."))


# --- the list page -----------------------------------------------------------------------------


@login_required
def repeats_page(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "")
    if fmt:
        return _export(request, fmt)
    persons = can(request.user, Perm.PERSONS)  # type: ignore[arg-type]

    def build(user: User, common: params.Common, area: areas.Area) -> dict[str, Any]:
        period, kinds, settings = _request(request, user, common, area)
        places = rp.repeat_places_of(
            user=user,
            area=area,
            period=period,
            kinds=kinds,
            radius_m=settings.radius_m,
            min_events=settings.min_events,
        )
        query = _query(area, period, kinds, settings)
        numbers = {f: rp.page_number(f, request.GET.get(f)) for f in PAGE_FIELDS}
        places_page = rp.paginate("places_page", places.places, numbers["places_page"])
        people: dict[str, Any] = {}
        for group in ("victims", "offenders"):
            found = rp.repeat_people_of(
                user=user,
                area=area,
                period=period,
                kinds=kinds,
                group=group,
                min_events=settings.min_events,
                with_people=persons,
            )
            field = f"{group}_page"
            shown = None
            if persons:
                shown = rp.paginate(field, found.people, numbers[field])
            people[group] = {
                "summary": found,
                "page": shown,
                "pager": shown and _pager(query, numbers, field, shown),
                "csv": _url("analysis-repeats", query, format="csv", table=group),
            }
        # Written once every page number has been checked: what the page will show.
        for listed in people.values():
            if listed["page"] is not None:
                shown_people = dataclasses.replace(listed["summary"], people=listed["page"].rows)
                _people_read(user, shown_people, area, period, "read")
        knox: rp.NearRepeats | None = None
        knox_error: AnalysisError | None = None
        try:
            knox = rp.near_repeats(
                user=user,
                area=area,
                period=period,
                kinds=kinds,
                space_edges_m=settings.space_edges_m,
                time_edges_days=settings.time_edges_days,
                permutations=settings.permutations,
            )
        except AnalysisError as error:  # too many pairs, too few events: the rest still stands
            knox_error = error
        return {
            "places": places,
            "places_page": places_page,
            "places_pager": _pager(query, numbers, "places_page", places_page),
            "people": people,
            "persons": persons,
            "knox": knox,
            "knox_error": knox_error,
            "settings": settings,
            "query_string": urlencode(query, doseq=True),
            "csv": {t: _url("analysis-repeats", query, format="csv", table=t) for t in TABLES},
            "date_from": period.start,
            "date_to": period.last_day,
            "kinds": [(k, kind_label(k), k in kinds) for k in KINDS],
        }

    return _page(request, "analysis/repeats.html", build, settings_form=_settings_form(request))


def _settings_form(request: HttpRequest) -> dict[str, str]:
    """What the settings fields show before (or without) a result: the values sent, else the
    defaults."""
    defaults = rp.Settings().query()
    return {name: str(request.GET.get(name) or default) for name, default in defaults.items()}


# --- CSV ---------------------------------------------------------------------------------------


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    table = request.GET.get("table", "")
    if fmt != "csv":
        return _plain(_("Unknown export format."), 400)
    if table not in TABLES:
        return _plain(_("Choose which table to download."), 400)
    if table in {"victims", "offenders"} and not can(user, Perm.PERSONS):
        return _plain(str(_forbidden_people()), 403)
    try:
        common = params.from_query(request.GET)
        area = areas.resolve(user, common.area)
        period, kinds, settings = _request(request, user, common, area)
        header, rows = _table(user, table, area, period, kinds, settings)
    except AnalysisError as error:
        return _plain(error.message, error.status)
    except PermissionDenied as error:
        return _plain(str(error) or _("Outside your scope."), 403)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    # The byte-order mark makes spreadsheet programs read Cyrillic as UTF-8.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"senim-repeats-{table}-{area.code}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _plain(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _table(
    user: User,
    table: str,
    area: areas.Area,
    period: Period,
    kinds: tuple[str, ...],
    settings: rp.Settings,
) -> tuple[list[str], list[list[Any]]]:
    """A table of the page, whole, as CSV rows: numbers and dates, no names, no identifiers."""
    if table == "places":
        places = rp.repeat_places_of(
            user=user,
            area=area,
            period=period,
            kinds=kinds,
            radius_m=settings.radius_m,
            min_events=settings.min_events,
        )
        header = [_("Rank"), _("Offences"), _("Latitude"), _("Longitude"), _("First"), _("Last")]
        return header, [
            [p.rank, p.events, p.lat, p.lon, p.first.isoformat(), p.last.isoformat()]
            for p in places.places
        ]
    if table in {"victims", "offenders"}:
        people = rp.repeat_people_of(
            user=user,
            area=area,
            period=period,
            kinds=kinds,
            group=table,
            min_events=settings.min_events,
            with_people=True,
        )
        _people_read(user, people, area, period, "export")
        header = [_("Person (pseudonym)"), _("Offences"), _("First"), _("Last")]
        return header, [
            [p.pseudonym, p.events, p.first.isoformat(), p.last.isoformat()] for p in people.people
        ]
    knox = rp.near_repeats(
        user=user,
        area=area,
        period=period,
        kinds=kinds,
        space_edges_m=settings.space_edges_m,
        time_edges_days=settings.time_edges_days,
        permutations=settings.permutations,
    )
    header = [
        _("Distance from, m"),
        _("Distance to, m"),
        _("Days from"),
        _("Days to"),
        _("Pairs observed"),
        _("Pairs expected"),
        _("Knox ratio"),
        _("p-value"),
    ]
    return header, [
        [
            f"{r.space_from_m:g}",
            f"{r.space_to_m:g}",
            f"{r.time_from_days:g}",
            f"{r.time_to_days:g}",
            r.observed,
            round(r.expected, 3),
            "" if r.ratio is None else round(r.ratio, 3),
            round(r.p_value, 4),
        ]
        for r in knox.rows
    ]


# --- a repeat place's page and a person's page --------------------------------------------------


Detail = Any  # the build function of a record page (see _detail)


def _detail(request: HttpRequest, template: str, build: Detail) -> HttpResponse:
    """A record page: the same query as the list page names the repeats; `build` adds the
    place or person and its offences. Errors as on the list page."""
    user: User = request.user  # type: ignore[assignment]
    context: dict[str, Any] = {"page": "repeats"}
    status = 200
    try:
        common = params.from_query(request.GET)
        area = areas.resolve(user, common.area)
        context["area"] = area
        period, kinds, settings = _request(request, user, common, area)
        query = _query(area, period, kinds, settings)
        context |= {
            "period": period,
            "kind_labels": [kind_label(k) for k in kinds],
            "settings": settings,
            "back_url": _url("analysis-repeats", query),
        }
        context |= build(user, area, period, kinds, settings, query)
    except AnalysisError as error:
        context["error"] = error
        status = error.status
    return render(request, template, context, status=status)


def _offences(request: HttpRequest, user: User, ids: tuple[int, ...]) -> dict[str, Any]:
    """One page of the offences involved, newest first, each linked to its record page."""
    page = rp.paginate("page", ids, rp.page_number("page", request.GET.get("page")), 50)
    offences = offences_by_id(user=user, ids=list(page.rows))
    return {
        "offences": offences,
        "offences_page": page,
        "links": can(user, Perm.REGISTER),
        "page_query": urlencode({k: v for k, v in request.GET.lists() if k != "page"}, doseq=True),
    }


@login_required
def repeat_place_page(request: HttpRequest, key: int) -> HttpResponse:
    def build(
        user: User,
        area: areas.Area,
        period: Period,
        kinds: tuple[str, ...],
        settings: rp.Settings,
        query: dict[str, Any],
    ) -> dict[str, Any]:
        places = rp.repeat_places_of(
            user=user,
            area=area,
            period=period,
            kinds=kinds,
            radius_m=settings.radius_m,
            min_events=settings.min_events,
        )
        place = rp.find_place(places, key)
        return {"place": place} | _offences(request, user, place.offence_ids)

    return _detail(request, "analysis/repeat_place.html", build)


@login_required
def repeat_person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not can(user, Perm.PERSONS):
        raise _forbidden_people()
    group = request.GET.get("group", "")

    def build(
        user: User,
        area: areas.Area,
        period: Period,
        kinds: tuple[str, ...],
        settings: rp.Settings,
        query: dict[str, Any],
    ) -> dict[str, Any]:
        if group not in rp.PEOPLE_ROLES:
            raise AnalysisError("group", _("Choose victims or offenders."))
        found = rp.repeat_people_of(
            user=user,
            area=area,
            period=period,
            kinds=kinds,
            group=group,
            min_events=1,
            with_people=True,
            person_id=person_id,
        )
        person = Person.objects.filter(pk=person_id).first()
        if person is None or not found.people:
            raise rp.NotListed(
                "person",
                _("No offences of this person in this role, area and period."),
            )
        audit.record_read(
            person,
            actor=user.get_username(),
            purpose=f"repeat {group} of {area.code}, "
            f"{period.start.isoformat()}..{period.last_day.isoformat()}",
        )
        listed = found.people[0]
        return {
            "person": listed,
            "group": group,
            "sex": person.get_sex_display() if person.sex else "",
            "age": _age(person, listed.last),
        } | _offences(request, user, listed.offence_ids)

    return _detail(request, "analysis/repeat_person.html", build)


def _age(person: Person, on: Any) -> int | None:
    born = person.birth_date
    if born is None:
        return None
    return int(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))
