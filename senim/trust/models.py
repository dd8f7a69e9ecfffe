"""Public trust: questionnaires, survey waves with weighted respondents, and media monitoring."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from senim.core.models import District, Region, Unit


def _localized(obj: object, stem: str) -> str:
    lang = (get_language() or "kk")[:2]
    return str(getattr(obj, f"{stem}_{lang}", "") or getattr(obj, f"{stem}_en", ""))


# --- surveys ---------------------------------------------------------------------------------


class Questionnaire(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_kk = models.CharField(max_length=300)
    title_ru = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("questionnaire")

    @property
    def title(self) -> str:
        return _localized(self, "title")

    def __str__(self) -> str:
        return self.title


class ItemKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    LIKERT = "likert", _("Likert scale")
    NUMERIC = "numeric", _("number")


class Item(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="items")
    code = models.SlugField(_("code"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    block = models.CharField(_("instrument"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    text_kk = models.TextField()
    text_ru = models.TextField()
    text_en = models.TextField()
    # Numeric items: the accepted range; answers outside it are refused on import.
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)
    # Asked only of respondents whose answer to `asked_if_item` is one of these option codes.
    asked_if_item = models.SlugField(max_length=60, blank=True)
    asked_if_options = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["questionnaire", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="trust_item_code_once")
        ]

    @property
    def text(self) -> str:
        return _localized(self, "text")

    def __str__(self) -> str:
        return self.code


class Option(models.Model):
    item = models.ForeignKey(Item, models.CASCADE, related_name="options")
    code = models.SlugField(max_length=60)
    order = models.PositiveSmallIntegerField(default=0)
    label_kk = models.CharField(max_length=300)
    label_ru = models.CharField(max_length=300)
    label_en = models.CharField(max_length=300)
    # The score used by indices and means; None for "hard to say", left out of both.
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["item", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="trust_option_code_once")
        ]

    @property
    def label(self) -> str:
        return _localized(self, "label")

    def __str__(self) -> str:
        return self.code


class Survey(models.Model):
    """One wave of fieldwork with one questionnaire."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    questionnaire = models.ForeignKey(Questionnaire, models.PROTECT, related_name="surveys")
    title_kk = models.CharField(max_length=300)
    title_ru = models.CharField(max_length=300)
    title_en = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    fieldwork_start = models.DateField(_("fieldwork start"), null=True, blank=True)
    fieldwork_end = models.DateField(_("fieldwork end"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=40, default="manual")
    # The last raking: iterations, convergence, margins used, regions without respondents.
    weighting = models.JSONField(default=dict, blank=True)
    weighted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("survey")

    @property
    def title(self) -> str:
        return _localized(self, "title")

    def __str__(self) -> str:
        return self.title


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Settlement(models.TextChoices):
    URBAN = "urban", _("urban")
    RURAL = "rural", _("rural")


class AgeBand(models.TextChoices):
    A18_29 = "18-29", "18–29"
    A30_44 = "30-44", "30–44"
    A45_59 = "45-59", "45–59"
    A60 = "60+", "60+"


class Respondent(models.Model):
    survey = models.ForeignKey(Survey, models.CASCADE, related_name="respondents")
    external_id = models.CharField(max_length=60)
    region = models.ForeignKey(Region, models.PROTECT)
    district = models.ForeignKey(District, models.PROTECT, null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    settlement = models.CharField(max_length=5, choices=Settlement.choices)
    age_band = models.CharField(max_length=5, choices=AgeBand.choices)
    weight = models.FloatField(default=1.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "external_id"], name="trust_respondent_once_per_survey"
            )
        ]
        indexes = [models.Index(fields=["survey", "region"])]


class Answer(models.Model):
    """One answer; a multiple-choice item has one row per option ticked."""

    respondent = models.ForeignKey(Respondent, models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, models.PROTECT)
    option = models.ForeignKey(Option, models.PROTECT, null=True, blank=True)
    number = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["item", "respondent"])]


# --- media monitoring ------------------------------------------------------------------------


class Tone(models.TextChoices):
    POSITIVE = "positive", _("positive")
    NEGATIVE = "negative", _("negative")
    NEUTRAL = "neutral", _("neutral")


class Language(models.TextChoices):
    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    OTHER = "other", _("other")


class Topic(models.TextChoices):
    CORRUPTION = "corruption", _("corruption")
    ABUSE_OF_OFFICE = "abuse_of_office", _("abuse of office")
    BRIBERY = "bribery", _("bribery")
    VIOLENCE = "violence", _("violence or torture")
    DRUNKENNESS = "drunkenness", _("drunkenness")
    ROAD_ACCIDENT = "road_accident", _("road accident")
    RUDENESS = "rudeness", _("rudeness")
    RESCUE = "rescue", _("rescue or help")
    CRIME_SOLVED = "crime_solved", _("crime solved")


class MediaItem(models.Model):
    source = models.CharField(_("source"), max_length=120)
    external_id = models.CharField(_("identifier at the source"), max_length=300)
    url = models.URLField(_("link"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=500)
    text = models.TextField(_("text"), blank=True)
    published_at = models.DateTimeField(_("published"))
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    language_detail = models.JSONField(default=dict, blank=True)
    tone = models.CharField(_("tone (classifier)"), max_length=10, choices=Tone.choices)
    tone_probability = models.FloatField(default=0.0)
    tone_evidence = models.JSONField(default=list, blank=True)  # [[word, weight], …]
    tone_model = models.ForeignKey("ToneModel", models.SET_NULL, null=True, blank=True)
    # An operator's correction; it wins over the classifier and trains the next model.
    corrected_tone = models.CharField(max_length=10, choices=Tone.choices, blank=True)
    corrected_by = models.CharField(max_length=150, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    # The tone that counts (the correction if any): kept in a column so counts can group by it.
    final_tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices, db_index=True)
    topics = models.JSONField(default=list, blank=True)  # [{"code", "words"}]
    entered_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("media item")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="trust_media_once")
        ]
        indexes = [models.Index(fields=["final_tone", "published_at"])]

    def __str__(self) -> str:
        return self.title


class MediaTopic(models.Model):
    """One topic of an item, as a row so that items can be filtered and counted by topic."""

    item = models.ForeignKey(MediaItem, models.CASCADE, related_name="topic_rows")
    topic = models.CharField(max_length=20, choices=Topic.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "topic"], name="trust_media_topic_once")
        ]


class ResponseState(models.TextChoices):
    TO_VERIFY = "to_verify", _("to verify")
    VERIFIED = "verified", _("verified")
    ANSWERED = "answered", _("answered")
    REFUTED = "refuted", _("refuted")
    INTERNAL_CHECK = "internal_check", _("internal check")
    CLOSED = "closed", _("closed")


class MediaResponse(models.Model):
    """The answer to a critical item: verify → answer or refute → internal check → closed."""

    item = models.OneToOneField(MediaItem, models.CASCADE, related_name="response")
    state = models.CharField(max_length=16, choices=ResponseState.choices, db_index=True)
    facts_confirmed = models.BooleanField(null=True)
    verification_note = models.TextField(blank=True)
    public_statement = models.TextField(blank=True)
    check_unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True)
    check_outcome = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    check_started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.CharField(max_length=150, blank=True)


class ToneModel(models.Model):
    """A trained tone classifier, stored as plain numbers (senim.analytics.tone.to_payload)."""

    trained_at = models.DateTimeField(auto_now_add=True)
    n_corpus = models.PositiveIntegerField()
    n_corrections = models.PositiveIntegerField()
    macro_f1 = models.FloatField(null=True, blank=True)  # on the corpus' held-out templates
    payload = models.JSONField()

    class Meta:
        ordering = ["-trained_at", "-id"]
