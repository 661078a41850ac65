"""The municipality's efficiency profile as a PDF: demo facts, the header, access as the page, hostile text."""

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from municipalities.efficiency import efficiency_profile
from municipalities.models import EfficiencyModel, Kpi, Municipality
from networks.models import Organizer
from reports import profile
from tests.factories import UserFactory, representative
from tests.reports import pdfs
from tests.reports.test_pdf import PNG_1X1

pytestmark = pytest.mark.django_db

OWN = "0114"  # Upplands Väsby: a member of the demo networks, its demo representative is Anna Andersson
OTHER = "0582"  # Söderköping
REPRESENTATIVE = "anna.andersson@upplandsvasby.example.se"
LEAD_SKR = "projektledare@example.se"  # network lead at SKR only
LEAD_SKR_RKA = "granskare@example.se"  # network lead at SKR and RKA
SUPERUSER = "system@example.se"


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _sv(value: float) -> str:
    """A value as the document writes it: Swedish, grouped, one decimal unless whole (floatformat "-1g")."""
    text = f"{value:,.1f}".replace(",", " ").replace(".", ",")
    return text.removesuffix(",0")


def _folded(title: str) -> str:
    return " ".join(title.split())


@pytest.fixture
def own(seeded):
    return Municipality.objects.select_related("county").get(code=OWN)


@pytest.fixture
def url():
    return reverse("reports:profile_pdf", args=[OWN])


def test_profile_of_a_demo_municipality_has_its_facts_indices_and_charts(own):
    data = profile.profile_pdf(own, user=_user(LEAD_SKR))

    assert pdfs.title(data) == "Effektivitetsprofil: Upplands Väsby"
    assert pdfs.language(data) == "sv"
    assert 2 <= pdfs.page_count(data) <= 25
    text = pdfs.text(data)
    assert "Sveriges Kommuner och Regioner" in text  # the header: the lead's only organiser
    assert "Upplands Väsby (0114)" in text
    assert "Stockholms län" in text
    assert "A2 Pendlingskommun nära storstad" in text
    assert "50 550" in text  # the population
    assert f"Sida {pdfs.page_count(data)} av {pdfs.page_count(data)}" in text
    profiles = efficiency_profile(municipality=own)
    assert len(profiles) > profile.TREND_CHARTS
    for kpi_profile in profiles:
        assert _folded(kpi_profile.kpi.title) in text  # every key figure, in the overview and the values per year
        latest = kpi_profile.latest
        if latest.value is not None:
            assert _sv(latest.value) in text
    big = next(p for p in profiles if p.latest.value is not None and p.latest.value >= 1000)
    assert " " in _sv(big.latest.value) and _sv(big.latest.value) in text  # 75 317: grouped the Swedish way
    # The charts: the first key figures over the years and the SKR models, each with its table.
    for kpi_profile in profiles[: profile.TREND_CHARTS]:
        assert text.count(_folded(kpi_profile.kpi.title)) >= 4  # overview, chart heading and caption, values
    for model in EfficiencyModel.objects.filter(organizer__name="Sveriges Kommuner och Regioner"):
        assert f"{model.name}: effektivitetsindex" in text
    assert "Median i kommungruppen" in text  # the charts' legend and tables
    assert "Källa: Kolada" in text
    assert "demodata" in text


def test_profile_says_what_the_indices_mean(own):
    context = profile.profile_context(own, user=_user(LEAD_SKR))
    section = next(s for s in context["profiles"] if s.profile.kpi.id == "U11901")  # higher is better
    latest = section.profile.latest
    assert section.group.index == pytest.approx(100 * latest.value / latest.group_median)
    assert section.country.index == pytest.approx(100 * latest.value / latest.country_median)
    assert section.group.words and section.country.words
    deviation = next(s for s in context["profiles"] if s.profile.kpi.unit == Kpi.Unit.DEVIATION)
    assert deviation.group.index is None  # a deviation has no index, only its difference in words


def test_profile_header_is_the_site_unless_the_reader_is_staff_of_one_organiser(own, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    skr = Organizer.objects.get(slug="skr")
    skr.logo.save("logo.png", ContentFile(PNG_1X1))
    lead = profile.profile_context(own, user=_user(LEAD_SKR))
    assert lead["organizer_name"] == "Sveriges Kommuner och Regioner"
    assert lead["logo"].startswith("data:image/png;base64,")
    for email in (LEAD_SKR_RKA, SUPERUSER, REPRESENTATIVE):
        context = profile.profile_context(own, user=_user(email))
        assert (context["organizer_name"], context["logo"]) == (django_settings.SITE_NAME, "")
    assert profile.profile_context(own)["organizer_name"] == django_settings.SITE_NAME


def test_models_are_staffs_only_as_on_the_page(own):
    assert profile.profile_context(own, user=_user(LEAD_SKR))["models"]
    assert profile.profile_context(own, user=_user(REPRESENTATIVE))["models"] == []
    assert profile.profile_context(own, user=_user("projektledare.ksl@example.se"))["models"] == []  # KSL has none


def test_representative_downloads_own_profile_in_swedish_from_an_english_session(client, seeded, url):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(_user(REPRESENTATIVE))
    response = client.get(url)

    data = pdfs.response_pdf(response)
    assert response["Content-Disposition"].startswith('attachment; filename="effektivitetsprofil-upplands-vasby-')
    text = pdfs.text(data)
    assert pdfs.title(data) == "Effektivitetsprofil: Upplands Väsby"
    assert "Kommungrupp" in text and "Median i kommungruppen" in text and "Sida 1 av" in text
    assert "Municipality group" not in text and "Page 1 of" not in text
    latest = efficiency_profile(municipality=Municipality.objects.get(code=OWN))[0].latest
    assert _sv(latest.value) in text  # a decimal comma, not a point
    assert django_settings.SITE_NAME in text  # a representative's profile carries the site's name
    assert "Våra effektivitetsberäkningar" not in text


@pytest.fixture
def fake_pdf(monkeypatch):
    """Access tests need the status only, not the rendering (tested above)."""
    monkeypatch.setattr(
        profile, "profile_pdf", lambda municipality, user=None: b"%PDF-1.7 " + municipality.code.encode()
    )


def test_profile_access_is_the_pages(client, seeded, fake_pdf, url):
    page = reverse("municipalities:efficiency", args=[OWN])
    cases = [
        (_user(REPRESENTATIVE), 200),
        (_user(LEAD_SKR), 200),
        (_user("projektledare.ksl@example.se"), 200),  # staff of any organiser, as the page
        (_user(SUPERUSER), 200),
        (_user("ekonomi@example.se"), 200),
        (representative(OTHER), 403),  # another municipality's representative
        (UserFactory(), 403),  # neither staff nor a representative
    ]
    for user, status in cases:
        client.force_login(user)
        assert client.get(url).status_code == status, user.email
        assert client.get(page).status_code == status, user.email


def test_representative_gets_only_own_municipality(client, seeded, fake_pdf):
    client.force_login(_user(REPRESENTATIVE))
    assert pdfs.response_pdf(client.get(reverse("reports:profile_pdf", args=[OWN]))).endswith(b"0114")
    for code in (OTHER, "0180", "0010"):
        assert client.get(reverse("reports:profile_pdf", args=[code])).status_code == 403


def test_profile_anonymous_goes_to_login_and_unknown_code_is_404(client, seeded, fake_pdf, url):
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    client.force_login(_user(LEAD_SKR))
    for code in ("9999", "01145", "x"):
        assert client.get(reverse("reports:profile_pdf", args=[code])).status_code == 404


def test_page_has_the_download_button(client, seeded):
    client.force_login(_user(REPRESENTATIVE))
    html = client.get(reverse("municipalities:efficiency", args=[OWN])).content.decode()
    assert f'href="{reverse("reports:profile_pdf", args=[OWN])}" download' in html


def test_profile_queries_are_constant(own):
    user = _user(LEAD_SKR)

    def count(municipality) -> int:
        fresh = User.objects.get(pk=user.pk)  # no cached roles
        with CaptureQueriesContext(connection) as queries:
            profile.profile_html(municipality, user=fresh)
        return len(queries)

    before = count(own)
    skr = Organizer.objects.get(slug="skr")
    for number in range(3):
        EfficiencyModel.objects.create(organizer=skr, name=f"Extra {number}")  # models without parts
    assert count(own) == before
    assert count(Municipality.objects.select_related("county").get(code=OTHER)) == before
    assert before <= 12


def test_hostile_key_figure_titles_and_model_texts_fetch_nothing(own, hit_server):
    texts = hit_server.hostile_texts()
    kpis = [section.kpi for section in efficiency_profile(municipality=own)[: len(texts)]]
    for kpi, hostile in zip(kpis, texts, strict=True):  # the first ones are also drawn as charts
        Kpi.objects.filter(pk=kpi.pk).update(title=f"Nyckeltal {hostile}")
    models = EfficiencyModel.objects.filter(organizer__slug="skr")
    models.update(description=" ".join(texts))
    models.filter(pk=models.order_by("pk").first().pk).update(name=texts[0])

    data = profile.profile_pdf(own, user=_user(LEAD_SKR))

    assert hit_server.hits == []
    text = pdfs.text(data)
    assert "root:" not in text
    assert f"Nyckeltal {texts[0]}" in text  # shown as text, not markup


def test_comparisons_in_words():
    from django.utils import translation

    from municipalities.efficiency_page import compare, index_words

    with translation.override("en"):
        above = compare(60.0, 50.0, whom="the group", direction=Kpi.Direction.HIGHER)
        below = compare(40.0, 50.0, whom="the group", direction=Kpi.Direction.HIGHER)
        costly = compare(60.0, 50.0, whom="the group", direction=Kpi.Direction.LOWER)
        assert (above.index, above.words) == (
            120.0,
            "10.0 above the median of the group; better than the median: higher is better",
        )
        assert below.index == 80.0 and below.words.startswith("10.0 below") and "worse" in below.words
        assert "worse than the median: lower is better" in costly.words
        assert compare(50.0, 50.0, whom="the group").words == "equal to the median of the group"
        assert compare(None, 50.0, whom="the group").words == compare(5.0, None, whom="the group").words == ""
        assert compare(-3.0, 2.0, whom="the group", ratio=True).index is None  # no index of a negative value
        assert index_words(112.0, whom="all") == "12.0 per cent more efficient than the median of all"
        assert index_words(90.0, whom="all") == "10.0 per cent less efficient than the median of all"
        assert index_words(100.0, whom="all") == "as efficient as the median of all"
        assert index_words(None, whom="all") == ""
