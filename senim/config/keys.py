"""Production refuses the development keys: a published secret signs sessions anyone can forge,
and IIN hashes under a published key are reversed by enumerating the IIN space."""

from __future__ import annotations

from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
DEV_PII_KEY = "dev-only-pii-key-change-me"
MIN_LENGTH = 32


def key_problems(*, secret_key: str, pii_key: str) -> list[str]:
    """What is wrong with the keys for a production start (empty when they are fine)."""
    problems = []
    for env, value, default in (
        ("SENIM_SECRET_KEY", secret_key, DEV_SECRET_KEY),
        ("SENIM_PII_KEY", pii_key, DEV_PII_KEY),
    ):
        if not value or value == default:
            problems.append(f"{env} is not set (the development key is refused with debug off)")
        elif len(value) < MIN_LENGTH or len(set(value)) < 8:
            problems.append(f"{env} is too weak: use at least {MIN_LENGTH} random characters")
    if secret_key and secret_key == pii_key:
        problems.append("SENIM_SECRET_KEY and SENIM_PII_KEY must differ")
    return problems


def require_production_keys(settings: object) -> None:
    """Raise with every problem named, unless debug is on (the demo and development)."""
    if getattr(settings, "DEBUG", False):
        return
    problems = key_problems(
        secret_key=getattr(settings, "SECRET_KEY", ""),
        pii_key=getattr(settings, "PII_HASH_KEY", ""),
    )
    if problems:
        raise ImproperlyConfigured(
            "Senim will not serve with debug off and these keys: "
            + "; ".join(problems)
            + ". Generate keys with: python -c 'import secrets; print(secrets.token_urlsafe(48))' "
            "(docs/operations.md)."
        )


@register(Tags.security, deploy=True)
def check_production_keys(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """`senim check --deploy` names the same key problems the web process refuses to start with."""
    from django.conf import settings

    return [
        Error(problem, hint="docs/operations.md: generate keys", id="senim.E001")
        for problem in key_problems(
            secret_key=getattr(settings, "SECRET_KEY", ""),
            pii_key=getattr(settings, "PII_HASH_KEY", ""),
        )
    ]
