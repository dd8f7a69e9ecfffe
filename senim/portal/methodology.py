"""What each open KPI and dataset counts, from which table, by which formula, and its caveats.

Shown next to every figure on the portal, on the methodology page and in the API; docs/portal.md
says the same at more length. Kept in one place so the page and the API cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Note:
    key: str
    title: Promise
    short: Promise  # a table column's heading
    unit: Promise
    counted: Promise
    source: Promise
    formula: Promise
    caveats: Promise


NOTES = (
    Note(
        "crime",
        _("Criminal offences per 100 000 residents"),
        _("Crime rate"),
        _("per 100 000"),
        _("Crimes and criminal misdemeanours registered in the calendar year (Almaty time) in "
          "the region. Administrative offences are not included."),
        _("Unified register: offences, read from the monthly counts the database keeps; "
          "population: the regional population table."),
        _("rate = offences × 100 000 ÷ population of the year (of the nearest earlier year if "
          "that year has none); change = (rate − last year's rate) ÷ last year's rate × 100 %."),
        _("Registered offences, not all that happen: a rise can mean better registration. "
          "Population figures marked * are placeholders until replaced with the Bureau of "
          "National Statistics' figures."),
    ),
    Note(
        "solved",
        _("Share of criminal offences solved"),
        _("Solved"),
        _("%"),
        _("Of the crimes and criminal misdemeanours registered in the year, those whose status "
          "is now \"solved\" (a suspect identified) or \"sent to court\"."),
        _("Unified register: offences, status as it stood when the figures were built."),
        _("share = (solved + sent to court) ÷ registered × 100 %."),
        _("Offences of the last months have had less time to be solved, so a recent year's "
          "share still rises. Terminated cases count as not solved."),
    ),
    Note(
        "response_102",
        _("102 response time"),
        _("102: time to arrival"),
        _("minutes"),
        _("102 calls received in the year to which a patrol came: the time from the call's "
          "receipt to the patrol's arrival on scene."),
        _("Unified register: appeals of the channel \"102 call\", the times of receipt and "
          "of arrival."),
        _("median and 90th percentile of (arrival − receipt) in minutes, with linear "
          "interpolation between calls."),
        _("Calls handled without a patrol are not included; an arrival recorded before the "
          "receipt is a data error and is left out. Nine patrols in ten arrived within the "
          "90th percentile."),
    ),
    Note(
        "complaints",
        _("Ill-treatment complaints per 1 000 convicts"),
        _("Ill-treatment complaints"),
        _("per 1 000"),
        _("Complaints of torture and ill-treatment received in the year in the region, per "
          "1 000 convicted and detained people held there (Table 2 of the Ombudsman's special "
          "report)."),
        _("Human-rights safeguards: complaints; convicts: the yearly figures of the "
          "penitentiary service."),
        _("rate = complaints × 1 000 ÷ convicts, rounded half up to one decimal."),
        _("A complaint is not a proven case. A year in which the register holds no complaint "
          "at all shows no data."),
    ),
    Note(
        "trust",
        _("Trust index"),
        _("Trust index"),
        _("0–100"),
        _("Answers to the national question on trust in the police in the year's public-opinion "
          "survey, in the region."),
        _("Public-trust surveys, weighted by raking to the population's sex, age "
          "and settlement margins."),
        # xgettext:no-python-format
        _("index = weighted mean score (trust 100, partly 66.7, rather not 33.3, not 0; \"hard "
          "to say\" left out), with its 95 % confidence interval."),
        _("A survey estimate: regional samples are small, so read the interval. If a year has "
          "several surveys, the last one is shown."),
    ),
    Note(
        "npm",
        _("NPM recommendations implemented"),
        _("NPM recommendations implemented"),
        _("%"),
        _("Recommendations the National Preventive Mechanism sent in the year after visits to "
          "places of detention in the region, and how many of them are implemented."),
        _("NPM information system: recommendations, by the region of the visited institution "
          "(Table 3 of the Ombudsman's special report)."),
        _("share = implemented ÷ sent × 100 %."),
        _("Status as it stood when the figures were built: recommendations of recent months may "
          "still be within their deadline."),
    ),
)  # fmt: skip
BY_KEY = {note.key: note for note in NOTES}


def dataset_description(dataset: str) -> str:
    """One paragraph on what a dataset holds, in the active language."""
    if dataset == "offences":
        return str(
            _(
                "Offences registered in the region (crimes, criminal misdemeanours and "
                "administrative offences), counted by month of registration, 500 m cell and "
                "category (kind and Criminal Code or KoAP chapter)."
            )
        )
    return str(
        _(
            "Appeals to the police received in the region from every channel (102, Telegram, "
            "E-Otinish and others), counted by month of receipt, 500 m cell and appeal category."
        )
    )


# The columns of every open-data CSV (and the properties of every GeoJSON feature, where the
# centre is the geometry instead): name, type, meaning.
COLUMNS = (
    ("month", "YYYY-MM", _("Local calendar month of registration (offences) or receipt "
                           "(appeals). No day and no time of day.")),
    ("region", "ISO 3166-2", _("The region's code.")),
    ("district", _("text"), _("District code: the district most of the cell's events of the "
                               "year lie in; for a row without a cell, its events' district; "
                               "empty when unknown.")),
    ("cell_id", _("text"), _("REGION:COLUMN:ROW of the region's 500 m grid; empty for a row "
                              "published by district (events without coordinates, or too few "
                              "in their cell).")),
    ("cell_lat", _("decimal"), _("Latitude of the cell's centre (WGS 84), never an event's "
                                 "own coordinate.")),
    ("cell_lon", _("decimal"), _("Longitude of the cell's centre (WGS 84).")),
    ("category", _("text"), _("Category code, named in the dataset's metadata file. Codes "
                               "ending in .other_chapters or .mixed hold small groups merged.")),
    ("count", _("integer"), _("Number of events in the group: 3 or more.")),
)  # fmt: skip
