"""A database restart costs no 500: the web process keeps its PostgreSQL connection between
requests (CONN_MAX_AGE) and checks it before reuse (CONN_HEALTH_CHECKS), so when the server kills
that connection between two requests, the second request reconnects and succeeds.

The requests go through Django's real WSGI handler, not the test client: only a real request
sends the request_started signal that lets Django check or drop an old connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, connections
from django.test import RequestFactory

from tests.web.test_browser_drilldown import audit_log_flushable  # noqa: F401  (fixture)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="killing a server backend needs PostgreSQL"
    ),
]


def get(path: str) -> int:
    """One GET through the WSGI handler, as gunicorn would send it; returns the status."""
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status)
        return lambda data: None

    response: Any = WSGIHandler()(RequestFactory().get(path).environ, start_response)
    b"".join(response)
    response.close()  # request_finished: the connection is kept (CONN_MAX_AGE), not closed
    return int(statuses[0].split()[0])


def backend_pid() -> int | None:
    raw = connection.connection
    return None if raw is None else int(raw.info.backend_pid)


def terminate(pid: int) -> None:
    """What a database restart does to the web process's connection, from another session."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()


@pytest.fixture
def kept_connection(audit_log_flushable: None) -> Iterator[None]:  # noqa: F811
    connection.close()
    yield
    connection.close()  # the test's server-side kill leaves nothing half-open for the teardown
    connection.settings_dict["CONN_HEALTH_CHECKS"] = True


@pytest.mark.django_db(transaction=True)
def test_a_killed_database_connection_costs_the_next_request_nothing(
    kept_connection: None,
) -> None:
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert get("/open/") == 200
    first = backend_pid()
    assert first is not None  # the request used the database and kept its connection
    terminate(first)
    assert get("/open/") == 200
    second = backend_pid()
    assert second is not None and second != first  # reconnected, not lucky


@pytest.mark.django_db(transaction=True)
def test_without_health_checks_the_same_kill_is_a_server_error(kept_connection: None) -> None:
    """The control: the test above passes because of the health checks, not by chance."""
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    assert get("/open/") == 200
    first = backend_pid()
    assert first is not None
    terminate(first)
    assert get("/open/") == 500
