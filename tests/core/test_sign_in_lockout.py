"""Sign-in throttling: 5 failures in 15 minutes lock an account, 20 lock a client address; the
lock lives in the database, is audited, runs out with time or is lifted by `senim unlock`."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone, translation

from senim.core.models import AuditEntry, SignInThrottle, User

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough passphrase 7"
LOCKED = "Too many failed sign-in attempts"


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def officer() -> User:
    return User.objects.create_user("asel", password=PASSWORD, role="national_analyst")


def _sign_in(username: str, password: str, address: str = "10.0.0.1") -> Any:
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def _signed_in(response: Any) -> bool:
    return response.status_code == 302 and "/login/" not in response["Location"]


def test_five_failures_lock_the_account_even_against_the_right_password(officer: User) -> None:
    for attempt in range(4):
        answer = _sign_in("asel", "wrong")
        assert answer.status_code == 200 and LOCKED not in answer.content.decode(), attempt
        assert "not correct" in answer.content.decode()
    fifth = _sign_in("asel", "wrong")
    assert LOCKED in fifth.content.decode() and "15 min" in fifth.content.decode()
    # Locked: the right password does not open it, from this or any other address.
    for address in ("10.0.0.1", "10.9.9.9"):
        answer = _sign_in("asel", PASSWORD, address)
        assert not _signed_in(answer) and LOCKED in answer.content.decode()
    # ... nor does the same name in other letter case.
    assert LOCKED in _sign_in("ASEL ", PASSWORD).content.decode()
    lock = SignInThrottle.objects.get(kind="account", key="asel")
    assert lock.locked_until is not None and lock.locked_until > timezone.now()


def test_every_failure_refusal_and_lock_is_audited_without_the_password(officer: User) -> None:
    for _ in range(6):
        _sign_in("asel", "s3cret-guess")
    entries = AuditEntry.objects.filter(model="core.SignInThrottle")
    actions = list(entries.values_list("action", flat=True))
    assert actions.count("sign_in_failed") == 5
    assert actions.count("sign_in_locked") == 1
    assert actions.count("sign_in_refused") == 1
    failed = entries.filter(action="sign_in_failed").first()
    assert failed is not None and failed.object_pk == "asel"
    assert failed.details == {"address": "10.0.0.1"}
    assert entries.get(action="sign_in_locked").object_pk == "account:asel"
    assert not AuditEntry.objects.filter(details__icontains="s3cret").exists()


def test_the_lock_runs_out_with_time(officer: User) -> None:
    for _ in range(5):
        _sign_in("asel", "wrong")
    SignInThrottle.objects.filter(kind="account").update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _signed_in(_sign_in("asel", PASSWORD))
    # A correct sign-in clears the account's count: four more failures do not lock it.
    for _ in range(4):
        _sign_in("asel", "wrong")
    assert _signed_in(_sign_in("asel", PASSWORD))


def test_failures_older_than_the_window_do_not_count(officer: User) -> None:
    for _ in range(4):
        _sign_in("asel", "wrong")
    SignInThrottle.objects.update(window_start=timezone.now() - dt.timedelta(minutes=16))
    _sign_in("asel", "wrong")  # the first of a new window
    assert SignInThrottle.objects.get(kind="account").failures == 1
    assert _signed_in(_sign_in("asel", PASSWORD))


def test_twenty_failures_from_one_address_lock_it_for_every_account(officer: User) -> None:
    for i in range(20):
        # Four tries per name: no single account reaches its own threshold.
        _sign_in(f"guess{i // 4}", "wrong", "192.0.2.7")
    answer = _sign_in("asel", PASSWORD, "192.0.2.7")
    assert not _signed_in(answer) and LOCKED in answer.content.decode()
    # The message does not say whether the account or the address is locked.
    assert "address" not in answer.content.decode().lower()
    # Another address is not locked out, and the account is not locked.
    assert _signed_in(_sign_in("asel", PASSWORD, "192.0.2.8"))


def test_unknown_usernames_are_counted_and_locked_like_real_ones() -> None:
    for _ in range(5):
        _sign_in("nobody", "wrong")
    assert LOCKED in _sign_in("nobody", "wrong").content.decode()


def test_the_lock_is_in_the_database_so_every_worker_sees_it(officer: User) -> None:
    SignInThrottle.objects.create(
        kind="account",
        key="asel",
        failures=5,
        window_start=timezone.now(),
        locked_until=timezone.now() + dt.timedelta(minutes=3),
    )
    answer = _sign_in("asel", PASSWORD)
    assert LOCKED in answer.content.decode() and "3 min" in answer.content.decode()


def test_an_administrator_unlocks_an_account_or_an_address(officer: User) -> None:
    for _ in range(5):
        _sign_in("asel", "wrong")
    out = io.StringIO()
    call_command("unlock", "asel", stdout=out)
    assert "unlocked account 'asel'" in out.getvalue()
    assert _signed_in(_sign_in("asel", PASSWORD))
    unlocked = AuditEntry.objects.get(action="sign_in_unlocked")
    assert unlocked.object_pk == "account:asel" and unlocked.actor.startswith("command-line:")
    assert unlocked.details == {"was_locked": True}

    for i in range(20):
        _sign_in(f"guess{i // 4}", "wrong", "192.0.2.7")
    out = io.StringIO()
    call_command("unlock", "--address", "192.0.2.7", stdout=out)
    assert "unlocked 192.0.2.7" in out.getvalue()
    assert _signed_in(_sign_in("asel", PASSWORD, "192.0.2.7"))


def test_unlock_refuses_bad_input_clearly() -> None:
    with pytest.raises(CommandError, match="name the account"):
        call_command("unlock")
    with pytest.raises(CommandError, match="not an IP address"):
        call_command("unlock", "--address", "10.0.0.300")
    out = io.StringIO()
    call_command("unlock", "nobody", stdout=out)
    assert "was not locked" in out.getvalue()


def test_the_address_comes_from_the_proxy_header_when_configured(
    officer: User, settings: Any
) -> None:
    settings.SENIM_SIGNIN_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    for i in range(20):
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.4").post(
            "/login/", {"username": f"g{i // 4}", "password": "x"}
        )
    assert SignInThrottle.objects.filter(kind="address", key="198.51.100.4").exists()
    assert not SignInThrottle.objects.filter(kind="address", key="127.0.0.1").exists()
    # Garbage in the header is one "unknown" address, not a fresh key per request.
    Client(HTTP_X_REAL_IP="not an address").post("/login/", {"username": "g", "password": "x"})
    assert SignInThrottle.objects.filter(kind="address", key="unknown").exists()


@pytest.mark.parametrize(
    ("language", "fragment"),
    [
        ("kk", "Кіру әрекеттері тым көп"),
        ("ru", "Слишком много неудачных попыток входа"),
        ("en", LOCKED),
    ],
)
def test_the_locked_message_is_translated(officer: User, language: str, fragment: str) -> None:
    for _ in range(5):
        _sign_in("asel", "wrong")
    with translation.override(language):
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE=language)
        answer = client.post("/login/", {"username": "asel", "password": PASSWORD})
    assert fragment in answer.content.decode()


def _admin_client(role: str = "administrator") -> Client:
    admin = User.objects.create_user(f"boss-{role}", role=role)
    client = Client()
    client.force_login(admin)
    return client


def test_an_administrator_sees_the_locks_and_lifts_one_on_the_page(officer: User) -> None:
    for _ in range(5):
        _sign_in("asel", "wrong")
    client = _admin_client()
    page = client.get("/sign-in-locks/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "account: asel" in html and "Lift the lock" in html
    lock = SignInThrottle.objects.get(kind="account", key="asel")
    answer = client.post("/sign-in-locks/", {"lock": lock.pk})
    assert answer.status_code == 302 and answer["Location"] == "/sign-in-locks/?lifted=1"
    assert "The lock was lifted." in client.get(answer["Location"]).content.decode()
    assert _signed_in(_sign_in("asel", PASSWORD))
    unlocked = AuditEntry.objects.get(action="sign_in_unlocked")
    assert unlocked.actor == "boss-administrator" and unlocked.object_pk == "account:asel"
    assert "No account or address is locked." in client.get("/sign-in-locks/").content.decode()


@pytest.mark.parametrize("lock", ["", "abc", "99999", "1" * 30, "-1", "٣"])
def test_lifting_an_unknown_lock_is_a_clear_error(lock: str) -> None:
    answer = _admin_client().post("/sign-in-locks/", {"lock": lock})
    assert answer.status_code == 400
    assert "This lock no longer holds" in answer.content.decode()


def test_only_administrators_open_the_locks_page() -> None:
    assert _admin_client("national_analyst").get("/sign-in-locks/").status_code == 403
    assert _admin_client("duty_officer").post("/sign-in-locks/", {"lock": 1}).status_code == 403
    anonymous = Client().get("/sign-in-locks/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


def test_the_locks_page_speaks_kazakh() -> None:
    client = _admin_client()
    with translation.override("kk"):
        page = client.get("/sign-in-locks/", HTTP_ACCEPT_LANGUAGE="kk")
    assert "Кіру құлыптары" in page.content.decode()


def test_stale_counts_are_dropped_so_sprayed_names_do_not_pile_up(officer: User) -> None:
    for i in range(3):
        _sign_in(f"sprayed{i}", "wrong", f"10.1.0.{i}")
    SignInThrottle.objects.update(window_start=timezone.now() - dt.timedelta(minutes=16))
    SignInThrottle.objects.create(
        kind="account",
        key="still-locked",
        window_start=timezone.now() - dt.timedelta(minutes=16),
        locked_until=timezone.now() + dt.timedelta(minutes=1),
    )
    _sign_in("asel", "wrong")
    assert set(SignInThrottle.objects.values_list("key", flat=True)) == {
        "asel",
        "10.0.0.1",
        "still-locked",
    }
