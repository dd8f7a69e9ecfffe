"""The early-intervention features of every officer at a date, read from the register in a few
queries and counted with numpy: `<signal>_<window>d`, e.g. `complaints_rudeness_365d`.

Signals: complaints against the officer by kind and sustained; disciplinary measures;
commendations; sick-leave days and overtime hours from the units' duty records; from the
safeguards registers (through their named service functions), the custody records naming the
officer as the detaining officer — all of them, those where force or special means were used,
those with injuries recorded — and the ill-treatment complaints naming the officer; from the
trust app, negative media items naming the officer's unit (the same for every officer of the
unit: context beside peers of another unit, cancelled out among peers of the same one). Each
counts what happened in the window *before* the as-of date, never after. The label of a row
(for training and evaluation) is what happened in the year *after* it: a sustained complaint or
a dismissal.

From the operational centre (`ops.services.calls_by_officer`): the calls a unit was sent to
while the officer led its crew (named when the unit came on duty), and those reached after the
call's due time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from senim.integrity.models import (
    Commendation,
    ComplaintKind,
    DisciplinaryMeasure,
    DutyMonth,
    Finding,
    MeasureKind,
    OfficerComplaint,
    OfficerFile,
)
from senim.ops.services import calls_by_officer
from senim.safeguards.services.complaints import officer_complaint_times
from senim.safeguards.services.custody import officer_custody_events
from senim.trust.selectors import negative_media_by_unit

WINDOWS = (30, 90, 365, 1825)
KIND_SIGNAL: dict[str, str] = {
    ComplaintKind.RUDENESS: "complaints_rudeness",
    ComplaintKind.INACTION: "complaints_inaction",
    ComplaintKind.UNLAWFUL_DETENTION: "complaints_unlawful_detention",
    ComplaintKind.BRIBERY: "complaints_bribery",
    ComplaintKind.ABUSE_OF_OFFICE: "complaints_abuse",
    ComplaintKind.ILL_TREATMENT: "complaints_ill_treatment",
    ComplaintKind.OTHER: "complaints_other",
}
SIGNALS = (
    "complaints_all",
    *KIND_SIGNAL.values(),
    "complaints_sustained",
    "discipline",
    "commendations",
    "sick_days",
    "overtime_hours",
    "custody_records",
    "custody_force",
    "custody_incidents",
    "ill_treatment_register",
    "calls_handled",
    "calls_late",
    "media_negative_unit",
)
# The windows each signal is counted over: duty records are kept for two years in the demo, so
# five-year sums of them would only repeat the two-year ones.
SIGNAL_WINDOWS = {s: WINDOWS for s in SIGNALS} | {
    "sick_days": (90, 365),
    "overtime_hours": (90, 365),
    "media_negative_unit": (90, 365),
}
NAMES = tuple(f"{s}_{w}d" for s in SIGNALS for w in SIGNAL_WINDOWS[s])


@dataclass(frozen=True)
class Events:
    """Everything the features are counted from: (officer index, day number, amount)."""

    officers: list[OfficerFile]
    by_signal: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    # Days of adverse outcomes (sustained complaint received, dismissal imposed) per officer.
    adverse: tuple[np.ndarray, np.ndarray]


def _day(value: dt.date) -> int:
    return value.toordinal()


def load(officers: list[OfficerFile]) -> Events:
    index = {o.pk: i for i, o in enumerate(officers)}
    rows: dict[str, list[tuple[int, int, float]]] = {s: [] for s in SIGNALS}
    adverse: list[tuple[int, int]] = []
    through = OfficerComplaint.officers.through
    links = through.objects.filter(officerfile_id__in=index).values_list(
        "officerfile_id",
        "officercomplaint__received_at",
        "officercomplaint__kind",
        "officercomplaint__finding",
    )
    for officer_id, received, kind, finding in links.iterator(chunk_size=5000):
        i, day = index[officer_id], _day(timezone.localtime(received).date())
        rows["complaints_all"].append((i, day, 1.0))
        rows[KIND_SIGNAL[kind]].append((i, day, 1.0))
        if finding == Finding.SUSTAINED:
            rows["complaints_sustained"].append((i, day, 1.0))
            adverse.append((i, day))
    measures = DisciplinaryMeasure.objects.filter(officer_id__in=index).values_list(
        "officer_id", "imposed_on", "kind"
    )
    for officer_id, imposed, kind in measures.iterator(chunk_size=5000):
        rows["discipline"].append((index[officer_id], _day(imposed), 1.0))
        if kind == MeasureKind.DISMISSAL:
            adverse.append((index[officer_id], _day(imposed)))
    for officer_id, given in Commendation.objects.filter(officer_id__in=index).values_list(
        "officer_id", "given_on"
    ):
        rows["commendations"].append((index[officer_id], _day(given), 1.0))
    months = DutyMonth.objects.filter(officer_id__in=index).values_list(
        "officer_id", "month", "sick_days", "overtime_hours"
    )
    for officer_id, month, sick, overtime in months.iterator(chunk_size=10000):
        # A month counts on its last day: its days are all before a date after it.
        end = _day((month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)) - 1
        rows["sick_days"].append((index[officer_id], end, float(sick)))
        rows["overtime_hours"].append((index[officer_id], end, float(overtime)))
    _other_registers(officers, index, rows)
    by_signal = {}
    for signal, items in rows.items():
        arr = np.array(items, dtype=np.float64).reshape(-1, 3)
        by_signal[signal] = (arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int64), arr[:, 2])
    adv = np.array(adverse, dtype=np.int64).reshape(-1, 2)
    return Events(officers=officers, by_signal=by_signal, adverse=(adv[:, 0], adv[:, 1]))


def _other_registers(
    officers: list[OfficerFile],
    index: dict[int, int],
    rows: dict[str, list[tuple[int, int, float]]],
) -> None:
    """Custody records and ill-treatment complaints naming the officer, calls of the crews the
    officer led, negative media items naming the unit: read through the other apps' named
    functions, never their models."""
    by_officer = {o.officer_id: index[o.pk] for o in officers}
    ids = list(by_officer)
    for officer_id, detained, force, injuries in officer_custody_events(officer_ids=ids):
        i, day = by_officer[officer_id], _day(timezone.localtime(detained).date())
        rows["custody_records"].append((i, day, 1.0))
        if force:
            rows["custody_force"].append((i, day, 1.0))
        if injuries:
            rows["custody_incidents"].append((i, day, 1.0))
    for officer_id, received in officer_complaint_times(officer_ids=ids):
        rows["ill_treatment_register"].append(
            (by_officer[officer_id], _day(timezone.localtime(received).date()), 1.0)
        )
    for officer_id, dispatched, late in calls_by_officer(officer_ids=ids):
        i, day = by_officer[officer_id], _day(timezone.localtime(dispatched).date())
        rows["calls_handled"].append((i, day, 1.0))
        if late:
            rows["calls_late"].append((i, day, 1.0))
    members: dict[int, list[int]] = {}
    for officer in officers:
        members.setdefault(officer.unit_id, []).append(index[officer.pk])
    for unit_id, published in negative_media_by_unit(unit_ids=list(members)):
        day = _day(timezone.localtime(published).date())
        rows["media_negative_unit"].extend((i, day, 1.0) for i in members[unit_id])


def matrix(events: Events, as_of: dt.date) -> np.ndarray:
    """(officers × NAMES): each signal summed over each window ending the day before `as_of`."""
    n, t = len(events.officers), _day(as_of)
    columns = []
    for signal in SIGNALS:
        who, day, amount = events.by_signal[signal]
        for window in SIGNAL_WINDOWS[signal]:
            inside = (day < t) & (day >= t - window)
            columns.append(np.bincount(who[inside], weights=amount[inside], minlength=n))
    return np.column_stack(columns) if columns else np.zeros((n, 0))


def labels(events: Events, as_of: dt.date, *, horizon_days: int = 365) -> np.ndarray:
    """Whether each officer had an adverse outcome in the `horizon_days` from `as_of` on."""
    who, day = events.adverse
    t = _day(as_of)
    inside = (day >= t) & (day < t + horizon_days)
    return np.bincount(who[inside], minlength=len(events.officers)) > 0


def serving_on(officers: list[OfficerFile], as_of: dt.date) -> np.ndarray:
    """Officers in service on `as_of`: joined before it and not dismissed before it."""
    return np.array(
        [
            o.service_since < as_of
            and not (
                o.status == "dismissed" and o.status_since is not None and o.status_since < as_of
            )
            for o in officers
        ],
        dtype=bool,
    )
