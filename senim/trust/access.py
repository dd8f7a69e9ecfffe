"""Who may do what with surveys and media monitoring (docs/trust.md, "Roles").

Public-opinion and media analysis is the analysts' work: national analysts and administrators
see the whole country; a regional analyst sees the survey estimates and media items of their
region only. Loading survey files and weighting them is national (one national sample); media
items are entered, corrected and answered by the analysts of the region they concern.
"""

from __future__ import annotations

from senim.core.models import Role, User

TRUST_READ = frozenset({Role.NATIONAL_ANALYST, Role.REGIONAL_ANALYST, Role.ADMINISTRATOR})
SURVEY_MANAGE = frozenset({Role.NATIONAL_ANALYST, Role.ADMINISTRATOR})
MEDIA_WRITE = TRUST_READ
TONE_TRAIN = frozenset({Role.ADMINISTRATOR, Role.NATIONAL_ANALYST})


def allowed(user: User, roles: frozenset[str]) -> bool:
    return bool(user.is_active and (user.is_superuser or user.role in roles))
