# Takes over the Forecast model from `ops` (its table was renamed by ops 0002); no data moves.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("core", "0002_audit_append_only"),
        ("ops", "0002_forecast_moves_to_analysis"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Forecast",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("issued_for", models.DateField(verbose_name="first day forecast")),
                        ("horizon_days", models.PositiveSmallIntegerField(default=7)),
                        ("coverage", models.FloatField(verbose_name="share of cells flagged")),
                        ("cell_m", models.FloatField(verbose_name="cell size, m")),
                        ("kinds", models.CharField(max_length=100)),
                        ("model", models.CharField(max_length=80, verbose_name="model chosen")),
                        ("plane", models.JSONField()),
                        ("risk", models.BinaryField()),
                        ("backtest", models.JSONField()),
                        ("n_events", models.PositiveIntegerField(verbose_name="events the forecast learned from")),
                        ("data_until", models.DateField(verbose_name="last day of data used")),
                        ("seconds", models.FloatField(default=0.0)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("region", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.region")),
                    ],
                    options={
                        "verbose_name": "forecast",
                        "indexes": [models.Index(fields=["region", "-issued_for"], name="ops_forecas_region__bf59b3_idx")],
                        "constraints": [models.UniqueConstraint(fields=("region", "issued_for", "horizon_days", "coverage", "cell_m", "kinds"), name="forecast_once_per_week")],
                    },
                )
            ],
            database_operations=[],
        )
    ]
