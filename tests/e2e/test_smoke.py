def test_home_page_in_chromium(page, live_server, screenshot):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("navigation").first.is_visible()
    assert screenshot(page, "home").stat().st_size > 1000
