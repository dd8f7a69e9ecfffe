"""The unified register: appeals from every channel, offences, and the parties to them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Person, Region, Sector


class Channel(models.TextChoices):
    CALL_102 = "call_102", _("102 call")
    APP_VIDEO_102 = "app_video_102", _("102 app video call")
    TELEGRAM = "telegram", _("Telegram")
    SOS_BUTTON = "sos_button", _("SOS button")
    WALK_IN = "walk_in", _("walk-in")
    E_OTINISH = "e_otinish", _("E-Otinish")
    COMPLAINT_TERMINAL = "complaint_terminal", _("complaint terminal")


class AppealCategory(models.TextChoices):
    CRIME_REPORT = "crime_report", _("report of a crime")
    DOMESTIC_CONFLICT = "domestic_conflict", _("domestic conflict")
    PUBLIC_ORDER = "public_order", _("public order")
    ROAD_ACCIDENT = "road_accident", _("road accident")
    MISSING_PERSON = "missing_person", _("missing person")
    NOISE = "noise", _("noise and nuisance")
    COMPLAINT_POLICE = "complaint_police", _("complaint about police")
    INFORMATION = "information", _("request for information")
    OTHER = "other", _("other")


class AppealStatus(models.TextChoices):
    RECEIVED = "received", _("received")
    GRADED = "graded", _("graded")
    DISPATCHED = "dispatched", _("dispatched")
    EN_ROUTE = "en_route", _("en route")
    ON_SCENE = "on_scene", _("on scene")
    CLOSED = "closed", _("closed")
    TRANSFERRED = "transferred", _("transferred to another service")
    CANCELLED = "cancelled", _("cancelled")
    DUPLICATE = "duplicate", _("duplicate of another call")
    REJECTED = "rejected", _("rejected as unfounded")


# The lifecycle of a call (docs/operations-centre.md). A unit is attached exactly while the call
# is dispatched, en route or on scene; recalling it sends the call back to the graded queue.
# Transferring to another district keeps the call open there (it is received again); handing it
# to another service (ambulance, fire, gas) ends it here as "transferred".
# Written appeals wait behind every graded call in the queue; their clock is the legal term.
WRITTEN_PRIORITY = 100
OPEN_APPEAL_STATUSES = frozenset({"received", "graded", "dispatched", "en_route", "on_scene"})
WITH_UNIT = frozenset({"dispatched", "en_route", "on_scene"})
APPEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    # Closing at once: answered at intake (a request for information, a written appeal).
    "received": frozenset({"graded", "closed", "transferred", "cancelled", "duplicate"}),
    "graded": frozenset(
        {"graded", "dispatched", "closed", "transferred", "cancelled", "duplicate"}
    ),
    "dispatched": frozenset({"en_route", "on_scene", "graded", "cancelled"}),
    "en_route": frozenset({"on_scene", "graded", "cancelled"}),
    "on_scene": frozenset({"closed"}),
    "closed": frozenset(),
    "transferred": frozenset(),
    "cancelled": frozenset(),
    "duplicate": frozenset(),
    "rejected": frozenset(),
}


class Grade(models.Model):
    """How urgently a call needs the police: reference data an administrator edits.

    `rank` orders the queue (1 first). A grade that `needs_unit` is met when a unit arrives; any
    other grade when the call is closed (resolved by phone, a scheduled visit).
    """

    code = models.SlugField(max_length=24, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("queue order"), unique=True)
    needs_unit = models.BooleanField(_("a unit attends"), default=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["rank"]
        verbose_name = _("grade")

    @property
    def name(self) -> str:
        lang = (get_language() or "kk")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_en

    def __str__(self) -> str:
        return self.name


class AnswerTerm(models.Model):
    """The legal term, in working days, to answer a written appeal of a channel (reference data)."""

    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    basis = models.CharField(_("legal basis"), max_length=300)

    class Meta:
        ordering = ["channel"]
        verbose_name = _("answer term")


# The register's references (db_constraint=False below) are checked by every writer (ingest, API, demo) against the
# reference tables and protected from deletion by the ORM (PROTECT), but carry no database
# foreign-key constraint: PostgreSQL checks one per row per reference at commit, which cost
# more than the whole COPY of a bulk load. `senim offence_counts verify` and the tests check
# the data stays consistent. The region needs no index of its own: (region, district,
# registered_at) leads with it.


class Located(models.Model):
    """A record with a point in Kazakhstan and the territory it falls in."""

    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    sector = models.ForeignKey(
        Sector,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    source_system = models.CharField(_("source system"), max_length=40)
    external_id = models.CharField(_("identifier in the source system"), max_length=64)
    # Hash of the record as loaded: a re-sent identical row is recognised as already loaded,
    # a re-sent row with different content is refused rather than silently overwritten.
    row_hash = models.CharField(max_length=32, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Appeal(Located):
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=24, choices=AppealCategory.choices)
    status = models.CharField(_("status"), max_length=12, choices=AppealStatus.choices)
    received_at = models.DateTimeField(_("received"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The live lifecycle (filled by the operational centres; a file load may leave them empty).
    # Every column is nullable: bulk loads COPY only the columns above.
    grade = models.ForeignKey(
        Grade, models.PROTECT, null=True, blank=True, related_name="+", db_constraint=False
    )
    graded_at = models.DateTimeField(_("first graded"), null=True, blank=True)
    en_route_at = models.DateTimeField(_("en route"), null=True, blank=True)
    # When the grade's response target (or a written appeal's legal term) runs out.
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # Queue order: the grade's rank, 0 while ungraded (a new call is looked at first).
    priority = models.PositiveSmallIntegerField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", db_constraint=False
    )
    # Linking keys for the warnings from history, never shown: a ~50 m cell of the place, and a
    # keyed hash of the caller's IIN or phone number (senim.core.iin.keyed_hash).
    place_key = models.BigIntegerField(null=True, blank=True)
    caller_hash = models.CharField(max_length=64, blank=True, null=True)
    # What history said when the call came in: {"place": n, "caller": n, "victim": n} over 12 months.
    warnings = models.JSONField(null=True, blank=True)
    # What the caller reported and where, as the operator wrote it: person-level (it may name
    # people), shown only to roles that see persons and never exported or published.
    summary = models.CharField(_("what was reported"), max_length=500, null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="appeal_source_key"
            ),
        ]
        indexes = [
            models.Index(fields=["received_at", "id"], name="appeal_newest"),
            models.Index(fields=["region", "received_at"]),
            models.Index(
                fields=["district", "received_at"],
                name="appeal_district",
                condition=models.Q(district__isnull=False),
            ),
            models.Index(
                fields=["sector", "received_at"],
                name="appeal_sector",
                condition=models.Q(sector__isnull=False),
            ),
            # The live queue: only open calls enter it, so it stays small however long the
            # register grows.
            models.Index(
                fields=["region", "district", "priority", "due_at"],
                name="appeal_open",
                condition=models.Q(status__in=sorted(OPEN_APPEAL_STATUSES)),
            ),
            models.Index(
                fields=["place_key", "received_at"],
                name="appeal_place",
                condition=models.Q(place_key__isnull=False),
            ),
            models.Index(
                fields=["caller_hash", "received_at"],
                name="appeal_caller",
                condition=models.Q(caller_hash__isnull=False),
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPEAL_STATUSES


class EventKind(models.TextChoices):
    RECEIVED = "received", _("received")
    GRADED = "graded", _("graded")
    REGRADED = "regraded", _("re-graded")
    HELD = "held", _("held")
    DISPATCHED = "dispatched", _("unit dispatched")
    EN_ROUTE = "en_route", _("unit en route")
    ON_SCENE = "on_scene", _("unit on scene")
    RECALLED = "recalled", _("unit recalled")
    CLOSED = "closed", _("closed")
    TRANSFERRED = "transferred", _("transferred")
    CANCELLED = "cancelled", _("cancelled")
    DUPLICATE = "duplicate", _("marked as a duplicate")
    NOTE = "note", _("note")


class ReasonCode(models.TextChoices):
    """Why a call was re-graded, held, recalled or cancelled: one code a report can count."""

    NEW_INFORMATION = "new_information", _("new information from the caller")
    CALLER_UNAVAILABLE = "caller_unavailable", _("caller asked for a later visit")
    NO_UNIT = "no_unit", _("no unit available")
    HIGHER_PRIORITY = "higher_priority", _("unit needed for a more urgent call")
    RESOLVED_BEFORE_ARRIVAL = "resolved_before_arrival", _("resolved before arrival")
    CALLER_WITHDREW = "caller_withdrew", _("caller withdrew the call")
    FALSE_CALL = "false_call", _("false or prank call")
    OTHER = "other", _("other")


class Outcome(models.TextChoices):
    OFFENCE_REGISTERED = "offence_registered", _("offence registered")
    HELP_GIVEN = "help_given", _("help or advice given")
    NO_OFFENCE = "no_offence", _("no offence found")
    NOBODY_FOUND = "nobody_found", _("nobody found at the place")
    ANSWERED_IN_WRITING = "answered_in_writing", _("answered in writing")
    UNFOUNDED = "unfounded", _("unfounded")


class AppealEvent(models.Model):
    """One step of a call's life, append-only: who did what, when and why (the timeline)."""

    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)
    actor = models.CharField(_("by"), max_length=150, blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    reason_code = models.CharField(
        _("reason"), max_length=32, choices=ReasonCode.choices, blank=True
    )
    reason = models.CharField(_("comment"), max_length=500, blank=True)
    # Facts of the step: grade codes, the unit's call sign, the districts of a transfer, outcome.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["appeal", "at", "id"]
        verbose_name = _("appeal event")

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("Appeal events are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("Appeal events are append-only.")


class CodeKind(models.TextChoices):
    CRIMINAL = "UK", _("Criminal Code")
    ADMINISTRATIVE = "KoAP", _("Code of Administrative Offences")


class OffenceKind(models.TextChoices):
    CRIME = "crime", _("crime")
    MISDEMEANOUR = "criminal_misdemeanour", _("criminal misdemeanour")
    ADMINISTRATIVE = "administrative", _("administrative offence")


class Severity(models.TextChoices):
    MINOR = "minor", _("minor gravity")
    MEDIUM = "medium", _("medium gravity")
    GRAVE = "grave", _("grave")
    ESPECIALLY_GRAVE = "especially_grave", _("especially grave")


class Article(models.Model):
    """An article of the Criminal Code or of the Code of Administrative Offences."""

    code = models.CharField(max_length=20, unique=True)  # e.g. "UK-188"
    code_kind = models.CharField(max_length=4, choices=CodeKind.choices)
    number = models.CharField(max_length=12)
    title_kk = models.CharField(max_length=400)
    title_ru = models.CharField(max_length=400)
    title_en = models.CharField(max_length=400)
    chapter = models.PositiveSmallIntegerField(null=True, blank=True)
    chapter_title_kk = models.CharField(max_length=300, blank=True)
    chapter_title_ru = models.CharField(max_length=300, blank=True)
    chapter_title_en = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=24, choices=OffenceKind.choices)
    severity = models.CharField(max_length=20, choices=Severity.choices, blank=True)

    class Meta:
        ordering = ["code_kind", "code"]

    @property
    def title(self) -> str:
        lang = (get_language() or "kk")[:2]
        return getattr(self, f"title_{lang}", "") or self.title_ru

    @property
    def chapter_title(self) -> str:
        lang = (get_language() or "kk")[:2]
        return getattr(self, f"chapter_title_{lang}", "") or self.chapter_title_ru

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class PlaceType(models.TextChoices):
    STREET = "street", _("street or public space")
    RESIDENCE = "residence", _("residence")
    SHOP = "shop", _("shop or market")
    TRANSPORT = "transport", _("public transport")
    VEHICLE = "vehicle", _("vehicle")
    OFFICE = "office", _("office or organisation")
    ENTERTAINMENT = "entertainment", _("bar, café or entertainment venue")
    ONLINE = "online", _("online")
    OTHER = "other", _("other")


class OffenceStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    SUSPENDED = "suspended", _("suspended")
    SOLVED = "solved", _("solved")
    TERMINATED = "terminated", _("terminated")
    SENT_TO_COURT = "sent_to_court", _("sent to court")


# The lifecycle: a registered offence may move on; a closed one does not go back. A suspended
# case (offender not identified) is resumed by solving it. The dated steps of a criminal case
# are kept in CaseStep (outcome_models.py), whose order is CASE_STEP_TRANSITIONS there.
OFFENCE_TRANSITIONS = {
    OffenceStatus.REGISTERED: {
        OffenceStatus.SUSPENDED,
        OffenceStatus.SOLVED,
        OffenceStatus.TERMINATED,
        OffenceStatus.SENT_TO_COURT,
    },
    OffenceStatus.SUSPENDED: {OffenceStatus.SOLVED, OffenceStatus.TERMINATED},
    OffenceStatus.SOLVED: {OffenceStatus.SENT_TO_COURT},
    OffenceStatus.TERMINATED: set(),
    OffenceStatus.SENT_TO_COURT: set(),
}


class Offence(Located):
    kind = models.CharField(_("kind"), max_length=24, choices=OffenceKind.choices)
    article = models.ForeignKey(
        Article, models.PROTECT, related_name="offences", db_index=False, db_constraint=False
    )
    occurred_at = models.DateTimeField(_("occurred"))
    registered_at = models.DateTimeField(_("registered"))
    place_type = models.CharField(_("place type"), max_length=16, choices=PlaceType.choices)
    status = models.CharField(_("status"), max_length=16, choices=OffenceStatus.choices)
    appeal = models.ForeignKey(
        Appeal,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="offences",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("offence")
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="offence_source_key"
            ),
        ]
        indexes = [
            # Every index is paid for on each bulk load, so there are few: lists newest first,
            # territory + time, and partial indexes that rows without a sector or an appeal
            # link (most of them) do not enter.
            models.Index(fields=["registered_at", "id"], name="offence_newest"),
            models.Index(fields=["region", "district", "registered_at"]),
            models.Index(
                fields=["district", "registered_at"],
                name="offence_district",
                condition=models.Q(district__isnull=False),
            ),
            models.Index(
                fields=["sector", "registered_at"],
                name="offence_sector",
                condition=models.Q(sector__isnull=False),
            ),
            models.Index(
                fields=["appeal"], name="offence_appeal", condition=models.Q(appeal__isnull=False)
            ),
            # Indicator tables read OffenceDaily / OffenceMonthly, not this table, so it
            # carries no covering index for them: every index here slows bulk loads.
        ]


class PartyRole(models.TextChoices):
    VICTIM = "victim", _("victim")
    SUSPECT = "suspect", _("suspect")
    OFFENDER = "offender", _("offender")


class OffenceParty(models.Model):
    offence = models.ForeignKey(Offence, models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, models.PROTECT, related_name="offence_roles")
    role = models.CharField(_("role"), max_length=10, choices=PartyRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offence", "person", "role"], name="party_once"),
        ]


class OffenceCount(models.Model):
    """Offences per calendar unit × territory × kind × article, kept by database triggers.

    Indicator tables read these instead of counting millions of offences: every insert, update
    and delete on the offence table (ORM, COPY, raw SQL) adjusts them in the same transaction,
    so they cannot drift from the register (`senim offence_counts --verify` proves it).
    Foreign keys carry no database constraint: the rows are derived, never edited by hand.
    """

    region = models.ForeignKey(
        Region, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    district = models.ForeignKey(
        District,
        models.DO_NOTHING,
        null=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    sector = models.ForeignKey(
        Sector, models.DO_NOTHING, null=True, db_constraint=False, db_index=False, related_name="+"
    )
    kind = models.CharField(max_length=24)
    article = models.ForeignKey(
        Article, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    n = models.IntegerField()

    class Meta:
        abstract = True


class OffenceDaily(OffenceCount):
    day = models.DateField()  # local calendar day of registered_at

    class Meta:
        constraints = [
            # NULLS NOT DISTINCT on PostgreSQL; SQLite gets an equivalent expression index
            # from migration 0004 (it has no such clause).
            models.UniqueConstraint(
                fields=["day", "region", "district", "sector", "kind", "article"],
                name="offence_daily_key",
                nulls_distinct=False,
            ),
        ]


class OffenceMonthly(OffenceCount):
    month = models.DateField()  # first day of the local calendar month of registered_at

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "region", "district", "sector", "kind", "article"],
                name="offence_monthly_key",
                nulls_distinct=False,
            ),
        ]


# Case outcomes (steps, damage, repayments, searches) live in their own module to keep this one
# readable; importing them here registers them with the app.
from senim.register.outcome_models import (  # noqa: E402, F401
    CASE_STEP_TRANSITIONS,
    CaseStep,
    Damage,
    PersonSearch,
    Repayment,
    SearchKind,
    SearchOutcome,
    StepKind,
)
