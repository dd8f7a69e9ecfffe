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
    DISPATCHED = "dispatched", _("dispatched")
    ON_SCENE = "on_scene", _("on scene")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected as unfounded")


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

    class Meta:
        verbose_name = _("appeal")
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="appeal_source_key"
            ),
        ]
        indexes = [
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
        ]


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
    SOLVED = "solved", _("solved")
    TERMINATED = "terminated", _("terminated")
    SENT_TO_COURT = "sent_to_court", _("sent to court")


# The lifecycle: a registered offence may move on; a closed one does not go back.
OFFENCE_TRANSITIONS = {
    OffenceStatus.REGISTERED: {
        OffenceStatus.SOLVED,
        OffenceStatus.TERMINATED,
        OffenceStatus.SENT_TO_COURT,
    },
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
