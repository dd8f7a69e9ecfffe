"""Territory, units and facilities, people, officers, users with scopes, and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Localized(models.Model):
    """A record named in Kazakh, Russian and English; `.name` follows the active language."""

    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        lang = (get_language() or "kk")[:2]
        return getattr(self, f"name_{lang}", None) or self.name_en

    def __str__(self) -> str:
        return self.name


class RegionKind(models.TextChoices):
    OBLAST = "oblast", _("oblast")
    CITY = "city", _("city of republican significance")


class Region(Localized):
    iso = models.CharField(_("ISO 3166-2 code"), max_length=8, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RegionKind.choices)
    lat = models.FloatField(_("latitude of the administrative centre"))
    lon = models.FloatField(_("longitude of the administrative centre"))

    class Meta:
        ordering = ["iso"]
        verbose_name = _("region")

    def population(self, year: int) -> RegionPopulation | None:
        """The population of `year`, or the nearest earlier year known."""
        return self.populations.filter(year__lte=year).order_by("-year").first() or (
            self.populations.order_by("year").first()
        )


class RegionPopulation(models.Model):
    region = models.ForeignKey(Region, models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("population"))
    source = models.CharField(_("source"), max_length=300)
    is_placeholder = models.BooleanField(_("placeholder figure"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="region_population_once")
        ]


class DistrictKind(models.TextChoices):
    CITY_DISTRICT = "city_district", _("city district")
    RURAL_DISTRICT = "rural_district", _("district")
    TOWN = "town", _("town of oblast significance")


class District(Localized):
    region = models.ForeignKey(Region, models.PROTECT, related_name="districts")
    code = models.CharField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DistrictKind.choices)
    lat = models.FloatField(_("latitude of the centre"))
    lon = models.FloatField(_("longitude of the centre"))
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_is_placeholder = models.BooleanField(_("placeholder figure"), default=True)

    class Meta:
        ordering = ["region__iso", "code"]
        verbose_name = _("district")


class Sector(models.Model):
    """A district inspector's sector (учаске / участок)."""

    district = models.ForeignKey(District, models.PROTECT, related_name="sectors")
    code = models.CharField(_("code"), max_length=40, unique=True)
    number = models.PositiveSmallIntegerField(_("number"))
    lat = models.FloatField(_("latitude of the centre"))
    lon = models.FloatField(_("longitude of the centre"))
    inspector = models.ForeignKey(
        "Officer", models.SET_NULL, null=True, blank=True, related_name="sectors"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("sector")

    def __str__(self) -> str:
        return f"{self.district} · №{self.number}"


class UnitKind(models.TextChoices):
    MINISTRY = "ministry", _("ministry")
    REGIONAL_DEPARTMENT = "regional_department", _("regional police department")
    DISTRICT_DEPARTMENT = "district_department", _("district police department")
    POLICE_POINT = "police_point", _("district police point")
    MODULAR_POST = "modular_post", _("modular police post")


class Unit(Localized):
    kind = models.CharField(_("kind"), max_length=24, choices=UnitKind.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True)
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = _("unit")

    def clean(self) -> None:
        if self.kind != UnitKind.MINISTRY and self.region_id is None:
            raise ValidationError({"region": _("Every unit below the ministry has a region.")})


class FacilityKind(models.Model):
    """A kind of place of detention or closed institution (seed 004 §6)."""

    code = models.CharField(max_length=40, unique=True)
    agency_code = models.CharField(max_length=40)
    agency_kk = models.CharField(max_length=300)
    agency_ru = models.CharField(max_length=300)
    agency_en = models.CharField(max_length=300)
    name_kk = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    count_2025 = models.PositiveIntegerField(null=True, blank=True)

    @property
    def name(self) -> str:
        return Localized.name.fget(self)  # type: ignore[attr-defined]

    def __str__(self) -> str:
        return self.name


class Facility(models.Model):
    """A place of detention or closed institution, tied to a region."""

    # `name` is the name as registered (in Russian where the register keeps it so); the Kazakh
    # and English names are shown on Kazakh and English pages (issue 16 item 9).
    name = models.CharField(_("name"), max_length=300)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300, blank=True, default="")
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True, default="")
    kind = models.ForeignKey(FacilityKind, models.PROTECT, related_name="facilities")
    region = models.ForeignKey(Region, models.PROTECT, related_name="facilities")
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        verbose_name = _("facility")

    @property
    def display_name(self) -> str:
        """The name in the page's language, the registered name where that one is missing."""
        lang = (get_language() or "kk")[:2]
        return {"kk": self.name_kk, "en": self.name_en}.get(lang, "") or self.name

    def __str__(self) -> str:
        return self.display_name


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(models.Model):
    """A pseudonymised person: the IIN is kept only as a keyed hash for linking records."""

    iin_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)

    class Meta:
        verbose_name = _("person")

    def __str__(self) -> str:
        return f"P-{self.pk:08d}" if self.pk else "P-new"


class Officer(models.Model):
    person = models.OneToOneField(Person, models.PROTECT, null=True, blank=True)
    badge_number = models.CharField(_("badge number"), max_length=20, unique=True)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="officers")
    rank = models.CharField(_("rank"), max_length=60, blank=True)
    position = models.CharField(_("position"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("officer")

    def __str__(self) -> str:
        return f"#{self.badge_number}"

    @property
    def position_display(self) -> str:
        """The post in the page's language (stored as registered, in Russian)."""
        from senim.core.reference import police_title

        return police_title(self.position) if self.position else ""


class Role(models.TextChoices):
    NATIONAL_ANALYST = "national_analyst", _("national analyst")
    REGIONAL_ANALYST = "regional_analyst", _("regional analyst")
    DISTRICT_INSPECTOR = "district_inspector", _("district inspector")
    DUTY_OFFICER = "duty_officer", _("duty officer")
    PROSECUTOR = "prosecutor", _("prosecutor")
    NPM_MONITOR = "npm_monitor", _("ombudsman / NPM monitor")
    SUPERVISOR = "supervisor", _("unit commander")
    INTERNAL_SECURITY = "internal_security", _("internal security officer")
    PSYCHOLOGIST = "psychologist", _("police psychologist")
    ADMINISTRATOR = "administrator", _("administrator")


class User(AbstractUser):
    """A user with a role and a territorial scope: a region, a district, a sector, or national."""

    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True)
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True)
    sector = models.ForeignKey(Sector, models.PROTECT, null=True, blank=True)
    officer = models.OneToOneField(Officer, models.SET_NULL, null=True, blank=True)
    api_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # A token stops working at this moment (settings.SENIM_API_TOKEN_DAYS after it was issued).
    api_token_expires_at = models.DateTimeField(null=True, blank=True)

    def clean(self) -> None:
        super().clean()
        from senim.core.scope import validate_scope

        validate_scope(self)

    def save(self, *args: object, **kwargs: object) -> None:
        # Derive the wider scope levels so that queries can filter on any of them.
        if self.sector_id and not self.district_id:
            self.district = self.sector.district  # type: ignore[union-attr]
        if self.district_id and not self.region_id:
            self.region = self.district.region  # type: ignore[union-attr]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class AuditEntry(models.Model):
    """One line of the append-only, hash-chained audit log."""

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20)
    model = models.CharField(max_length=80)
    object_pk = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        # A record's history (the status changes on an offence's page) is read by model and key.
        indexes = [models.Index(fields=["model", "object_pk", "seq"], name="audit_by_record")]

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class SignInThrottle(models.Model):
    """Failed sign-ins counted for one account or one client address, and the lock they lead to.

    Kept in the database, not in a worker's memory, so every gunicorn worker counts the same
    failures and honours the same lock (senim.core.signin).
    """

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("account")
        ADDRESS = "address", _("address")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=150)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="core_signinthrottle_once")
        ]


class Holiday(models.Model):
    """A day off besides Saturdays and Sundays: public holidays, carry-overs and transfers.

    Reference data an administrator keeps; legal terms in working days count around it
    (senim.core.calendar). Shipped rows: senim/core/data/holidays.csv, with their basis.
    """

    day = models.DateField(_("day"), unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    basis = models.CharField(_("basis"), max_length=300, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("holiday")

    @property
    def name(self) -> str:
        return Localized.name.fget(self)  # type: ignore[attr-defined]
