"""Logging in and out over HTTP, and login throttling (django-axes)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse

from tests.web.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.db

NEXT = "/quan-ly/nhat-ky/"


def _attempt(client: Client, username: str, password: str) -> object:
    url = reverse("accounts:login")
    return client.post(url, {"username": username, "password": password, "next": NEXT})


def test_the_login_page_is_in_vietnamese(client: Client) -> None:
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Tên đăng nhập" in page and "Mật khẩu" in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_right_password_logs_in_and_goes_on(client: Client) -> None:
    user = UserFactory()

    response = _attempt(client, user.username, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == NEXT
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_shows_the_form_again(client: Client) -> None:
    user = UserFactory()

    response = _attempt(client, user.username, "sai mật khẩu")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_sixth_attempt_out_even_with_the_right_password(
    client: Client,
) -> None:
    user = UserFactory()
    for _ in range(4):
        assert _attempt(client, user.username, "sai mật khẩu").status_code == 200
    assert _attempt(client, user.username, "sai mật khẩu").status_code == 429  # the 5th locks

    response = _attempt(client, user.username, PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Tạm khóa đăng nhập" in page and "15 phút" in page
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_after_fifteen_minutes(client: Client) -> None:
    user = UserFactory()
    for _ in range(5):
        _attempt(client, user.username, "sai mật khẩu")
    for attempt in AccessAttempt.objects.all():  # as if the failures were 16 minutes ago
        attempt.attempt_time -= timedelta(minutes=16)
        attempt.save()

    assert _attempt(client, user.username, PASSWORD).status_code == 302


def test_a_locked_name_does_not_lock_a_colleague_at_the_same_address(client: Client) -> None:
    locked, colleague = UserFactory(), UserFactory()
    for _ in range(5):
        _attempt(client, locked.username, "sai mật khẩu")

    assert _attempt(client, colleague.username, PASSWORD).status_code == 302


def test_the_test_clients_login_still_works() -> None:
    # Authentication without a request (tests, management commands) is not throttled.
    assert Client().login(username=UserFactory().username, password=PASSWORD)


@override_settings(LOGOUT_REDIRECT_URL="/")
def test_logout_is_a_post_and_ends_the_session(client: Client) -> None:
    client.force_login(UserFactory())

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
