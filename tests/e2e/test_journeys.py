"""The user journeys, in a real browser against a live server.

Now: township staff sign in on a phone and reach their start page with the menu.
To come as the apps land: logging a visit (with an error fixed and an offline draft surviving a
reload), the suggestion flow with a real worker, the dashboard drill-down and export.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_township_staff_sign_in_on_a_phone_and_see_their_menu(page, shot, sign_in, e2e_world):
    staff = e2e_world.insiders["township_staff"]
    page.goto("/")
    # An anonymous visitor is sent to sign in first.
    assert "/accounts/login/" in page.url
    shot(page, "login")

    sign_in(page, staff)
    assert page.locator("h1").inner_text().startswith("您好")
    assert "珠山镇" in page.locator("main").inner_text()
    shot(page, "home")

    # On a phone the menu is folded; opening it shows the staff's pages and the sign-out button.
    page.click("details.menu summary")
    nav = page.locator("nav.nav")
    assert nav.is_visible()
    assert "修改密码" in nav.inner_text() and "退出" in nav.inner_text()
    shot(page, "menu-open")

    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []

    page.click("nav.nav button:has-text('退出')")
    page.wait_for_url("**/accounts/login/**")
