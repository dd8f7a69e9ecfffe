"""A record of the last demo build, so that `senim demo` can skip an identical rebuild."""

from __future__ import annotations

from django.db import models


class DemoBuild(models.Model):
    seed = models.IntegerField()
    scale = models.FloatField()
    years = models.CharField(max_length=100)
    version = models.PositiveSmallIntegerField()
    built_at = models.DateTimeField(auto_now=True)
    seconds = models.FloatField(default=0)
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"demo seed={self.seed} scale={self.scale} years={self.years}"
