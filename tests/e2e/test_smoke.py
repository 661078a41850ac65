def test_home_page_in_chromium(page, live_server, screenshot):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("navigation").first.is_visible()
    assert screenshot(page, "home").stat().st_size > 1000


def test_home_page_has_no_serious_axe_violations(page, live_server):
    from tests.e2e.a11y import assert_accessible

    page.goto("/")
    assert_accessible(page, "home")
