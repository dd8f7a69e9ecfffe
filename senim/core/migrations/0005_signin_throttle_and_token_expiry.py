"""Sign-in throttling (core.SignInThrottle) and an expiry on API tokens."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def expire_existing_tokens(apps, schema_editor):
    """Tokens issued before expiries existed run for one full term from now, not forever."""
    User = apps.get_model("core", "User")
    expires = timezone.now() + dt.timedelta(days=settings.SENIM_API_TOKEN_DAYS)
    User.objects.exclude(api_token_hash="").update(api_token_expires_at=expires)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_alter_user_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="api_token_expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="SignInThrottle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("account", "account"), ("address", "address")], max_length=8
                    ),
                ),
                ("key", models.CharField(max_length=150)),
                ("failures", models.PositiveIntegerField(default=0)),
                ("window_start", models.DateTimeField()),
                ("locked_until", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "key"), name="core_signinthrottle_once")
                ],
            },
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
    ]
