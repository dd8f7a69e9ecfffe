"""A schemathesis run against the API's own OpenAPI description (issue 16 item 7): every operation
gets generated requests, valid and invalid, signed in as a superuser and as a user scoped to one
district, and no answer may be a server error. Bounded: a fixed number of examples per operation
and a time budget for the whole run, so it costs a minute or two per database. Run on both
databases by README command 2 (tests marked postgres run with ./bin/with-postgres).

Every 500 this run found has a plain regression test of its own (tests/core/test_request_bounds.py
and the app's tests), so a fix does not depend on the fuzzer finding the case again."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from senim.config.api import api
from senim.core.api_auth import issue_token
from senim.core.models import District
from tests.ops.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES = 12  # per operation and user
BUDGET_S = 60.0  # per user; past it each operation left gets one example, so all are covered
# Operations that would end the run's own sign-in: revoking or replacing the token in use.
SKIP = {("POST", "/api/register/token"), ("DELETE", "/api/register/token")}


def _schema() -> Any:
    return schemathesis.openapi.from_dict(api.get_openapi_schema())


def _operations() -> list[Any]:
    found = []
    for result in _schema().get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in SKIP:
            found.append(operation)
    return found


def _strategy(operation: Any) -> Any:
    """Requests that fit the description and requests that break it (types, bounds, required
    fields), the latter where schemathesis can build them."""
    valid = operation.as_strategy()
    try:
        return valid | operation.as_strategy(GenerationMode.NEGATIVE)
    except Exception:  # an operation whose every input is free text has no invalid form
        return valid


def _token(kind: str) -> str:
    if kind == "superuser":
        user = make_user("fuzz-root", "administrator", is_superuser=True)
    else:
        district = District.objects.select_related("region").order_by("code").first()
        assert district is not None
        user = make_user(
            "fuzz-district", "regional_analyst", region=district.region, district=district
        )
    return issue_token(user)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """Requests go through the WSGI handler, whose request signals would close the database
    connection holding the test's transaction; Django's test client unhooks them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _quiet_request_log() -> Any:
    """Thousands of refused requests would each log a warning line."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


@pytest.mark.parametrize("kind", ["superuser", "scoped"])
def test_no_generated_request_is_a_server_error(kind: str) -> None:
    app = get_wsgi_application()
    headers = {"Authorization": f"Bearer {_token(kind)}"}
    operations = _operations()
    assert len(operations) > 60
    started = time.monotonic()
    failures: list[str] = []
    done = 0
    for operation in operations:
        examples = EXAMPLES if time.monotonic() - started < BUDGET_S else 1

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation))
        def run(case: Any) -> None:
            response = case.call(app=app, headers=headers)
            try:
                case.validate_response(
                    response, checks=[not_a_server_error, response_schema_conformance]
                )
            except Exception as error:
                failures.append(f"{case.method} {case.path}: {str(error).strip()[:300]}")
                raise

        with contextlib.suppress(Exception):  # recorded in `failures` with the request
            run()
        done += 1
    assert not failures, "\n\n".join(dict.fromkeys(failures))
    assert done == len(operations)
