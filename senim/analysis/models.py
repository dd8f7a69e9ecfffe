"""Stored weekly forecasts, precomputed by `senim forecast` so the forecast page opens at once."""

from __future__ import annotations

import zlib

import numpy as np
from django.db import models
from django.utils.translation import gettext_lazy as _

from senim.core.models import Region


class Forecast(models.Model):
    """The automatic predictor's forecast of a region for the days [issued_for, + horizon).

    One row per region, start day and settings: running the command again for the same week
    finds the row and leaves it alone, so a timer may fire as often as it likes.
    """

    region = models.ForeignKey(Region, models.CASCADE, related_name="+")
    issued_for = models.DateField(_("first day forecast"))
    horizon_days = models.PositiveSmallIntegerField(default=7)
    coverage = models.FloatField(_("share of cells flagged"))
    cell_m = models.FloatField(_("cell size, m"))
    kinds = models.CharField(max_length=100)  # comma-separated offence kinds, sorted
    model = models.CharField(_("model chosen"), max_length=80)
    # lon0, lat0 (projection centre), x0, y0, cell_m, nx, ny: enough to rebuild the grid.
    plane = models.JSONField()
    # Relative risk of every cell, float32 in the grid's row order, zlib-compressed: a 500 × 500
    # grid is 1 MB raw and mostly zeros, a few kB stored.
    risk = models.BinaryField()
    # Weekly back-test before issued_for: origins, hit rates of the chosen model and of the
    # naive baseline, the hindsight maximum, and every candidate's mean hit rate.
    backtest = models.JSONField()
    n_events = models.PositiveIntegerField(_("events the forecast learned from"))
    data_until = models.DateField(_("last day of data used"))
    seconds = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("forecast")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "issued_for", "horizon_days", "coverage", "cell_m", "kinds"],
                name="forecast_once_per_week",
            )
        ]
        # Named as when the model lived in `ops` (the table moved, the index kept its name).
        indexes = [
            models.Index(fields=["region", "-issued_for"], name="ops_forecas_region__bf59b3_idx")
        ]

    def risk_array(self) -> np.ndarray:
        shape = (int(self.plane["ny"]), int(self.plane["nx"]))
        raw = zlib.decompress(bytes(self.risk))
        return np.frombuffer(raw, dtype="<f4").astype(np.float64).reshape(shape)

    @staticmethod
    def pack(risk: np.ndarray) -> bytes:
        return zlib.compress(np.ascontiguousarray(risk, dtype="<f4").tobytes(), 6)
