"""The application receipt PDF: the submitted version's content, versions, who may download it, hostile text."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications.models import Application, ApplicationVersion
from reports.receipt import NoReceipt, receipt_pdf
from tests.factories import representative
from tests.reports import pdfs

pytestmark = pytest.mark.django_db

LEAD = "projektledare@example.se"  # SKR's network lead
OTHER_LEAD = "projektledare.ksl@example.se"  # KSL's: none of SKR's applications exist for them
CO_LEAD = "granskare@example.se"  # a lead of SKR and RKA
FINANCE = "ekonomi@example.se"  # SKR's finance: staff, but no reader of applications


def receipt_url(application: Application, version=None) -> str:
    url = reverse("reports:receipt_pdf", args=[application.pk])
    return url if version is None else f"{url}?version={version}"


def submitted(slug: str = "effektivare-kommun-2021") -> Application:
    return (
        Application.objects.select_related("network", "municipality")
        .filter(network__slug=slug, status=Application.Status.SUBMITTED)
        .order_by("pk")
        .first()
    )


def own_representative(application: Application) -> User:
    return representative(application.municipality.code)


def stamp(version: ApplicationVersion) -> str:
    return timezone.localtime(version.submitted_at).strftime("%Y-%m-%d %H:%M")


def add_version(application: Application, **fields) -> ApplicationVersion:
    """A second submission with changed fields (what application_submit stores, made directly)."""
    latest = application.versions.order_by("-number").first()
    data = {**latest.data, "fields": {**latest.data["fields"], **fields}}
    version = application.versions.create(
        number=latest.number + 1,
        submitted_at=latest.submitted_at + timedelta(days=2, minutes=7),
        submitted_by=latest.submitted_by,
        data=data,
    )
    Application.objects.filter(pk=application.pk).update(version=version.number, submitted_at=version.submitted_at)
    application.refresh_from_db()
    return version


@pytest.mark.parametrize(
    "slug", ["effektivare-kommun-2021", "forenklat-och-effektivare-styrsystem", "en-effektivare-administration"]
)
def test_demo_receipt_has_municipality_network_version_time_and_problem(seeded, client, slug):
    application = submitted(slug)
    version = application.versions.get(number=application.version)
    client.force_login(own_representative(application))
    response = client.get(receipt_url(application))
    data = pdfs.response_pdf(response)
    assert response["Content-Disposition"].endswith(f'-v{version.number}.pdf"')
    text = pdfs.text(data)
    assert pdfs.language(data) == "sv"
    assert 1 <= pdfs.page_count(data) <= 6
    assert application.municipality.name in pdfs.title(data) and application.network.title in pdfs.title(data)
    assert application.municipality.name in text
    assert application.network.title in text
    assert f"Version {version.number}" in text
    assert stamp(version) in text  # Europe/Stockholm, to the minute
    fields = version.data["fields"]
    assert fields["motivation"][:40] in text
    if fields["problem"]:
        assert fields["problem"][:40] in text
    for participant in version.data["participants"]:
        assert participant["email"] in text
    assert fields["buyer_reference"] in text


def test_receipt_shows_the_key_figures_and_attachments_of_the_version(seeded):
    application = submitted()
    version = application.versions.get(number=1)
    version.data["key_figures"] = [
        {"kpi": "N15008", "title": "Kostnad grundskola per elev", "year": 2020, "value": 112345.6, "is_demo": True}
    ]
    version.data["attachments"] = [{"name": "nulagesanalys.pdf", "size": 2048, "content_type": "application/pdf"}]
    version.save()
    text = pdfs.text(receipt_pdf(application))
    assert "Kostnad grundskola per elev" in text and "112 345,6" in text and "2020" in text
    assert "nulagesanalys.pdf" in text


def test_later_version_by_default_and_earlier_one_on_request(seeded, client):
    application = submitted()
    first = application.versions.get(number=1)
    second = add_version(application, motivation="Andra versionens motivering om jämförelser av effektivitet.")
    client.force_login(own_representative(application))

    latest = pdfs.text(pdfs.response_pdf(client.get(receipt_url(application))))
    assert "Andra versionens motivering" in latest and stamp(second) in latest and "Version 2" in latest

    earlier = pdfs.text(pdfs.response_pdf(client.get(receipt_url(application, 1))))
    assert first.data["fields"]["motivation"][:40] in earlier
    assert "Andra versionens motivering" not in earlier
    assert stamp(first) in earlier and "Version 1" in earlier

    for bad in ["3", "0", "-1", "abc", "", "1.0", "99999999999999999999"]:
        assert client.get(receipt_url(application, bad)).status_code == 404, bad


def test_draft_never_submitted_has_no_receipt_and_no_button(seeded, client):
    draft = Application.objects.filter(status=Application.Status.DRAFT, version=0).order_by("pk").first()
    client.force_login(own_representative(draft))
    assert client.get(receipt_url(draft)).status_code == 404
    page = client.get(reverse("applications:detail", args=[draft.pk]))
    assert page.status_code == 200 and receipt_url(draft) not in page.content.decode()
    with pytest.raises(NoReceipt):
        receipt_pdf(draft)


def test_detail_and_review_pages_offer_the_receipt(seeded, client):
    application = submitted()
    client.force_login(own_representative(application))
    page = client.get(reverse("applications:detail", args=[application.pk]))
    assert receipt_url(application, 1) in page.content.decode()
    client.force_login(User.objects.get(email=LEAD))
    review = client.get(reverse("reviews:detail", args=[application.network.slug, application.pk]))
    assert review.status_code == 200 and receipt_url(application) in review.content.decode()


# --- Who may download it ----------------------------------------------------------------------


def test_anonymous_is_sent_to_login(seeded, client):
    url = receipt_url(submitted())
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_own_municipality_and_the_networks_leads_only(seeded, client):
    application = submitted()
    url = receipt_url(application)
    other_code = "0114" if application.municipality.code != "0114" else "0180"
    refused = [representative(other_code), User.objects.get(email=OTHER_LEAD), User.objects.get(email=FINANCE)]
    for user in refused:
        client.force_login(user)
        assert client.get(url).status_code == 404, user.email
    for user in [own_representative(application), User.objects.get(email=LEAD), User.objects.get(email=CO_LEAD)]:
        client.force_login(user)
        pdfs.response_pdf(client.get(url))
    client.force_login(User.objects.get(email=LEAD))
    assert client.get(reverse("reports:receipt_pdf", args=[999_999])).status_code == 404
    assert client.post(url).status_code == 405


def test_document_is_swedish_for_an_english_reader(seeded, client):
    application = submitted()
    client.force_login(own_representative(application))
    client.cookies["django_language"] = "en"
    text = pdfs.text(pdfs.response_pdf(client.get(receipt_url(application), HTTP_ACCEPT_LANGUAGE="en")))
    assert "Sida 1 av" in text
    assert "Inskickad" in text and "Kommun" in text


def test_hostile_text_in_every_field_fetches_nothing_and_leaks_no_file(seeded, hit_server):
    hostile = hit_server.hostile_texts()
    joined = "\n".join(hostile)
    application = submitted()
    version = application.versions.get(number=1)
    data = version.data
    data["municipality"] = data["network"] = hostile[0]
    data["fields"] = dict.fromkeys(data["fields"], joined)
    for answer in data["commitments"]:
        answer.update(title=hostile[1], details=joined, decision_reference=hostile[2], expected_date=hostile[3])
        answer.update(kind="contact_person", decision_date=hostile[4], decision_pending=True)
    data["participants"] = [{"name": text, "email": text, "title": text, "role": text} for text in hostile]
    data["attachments"] = [{"name": text, "size": 10, "content_type": "text/html"} for text in hostile]
    data["key_figures"] = [
        {"kpi": text, "title": text, "year": 2020, "value": 1.5, "is_demo": False} for text in hostile
    ]
    version.save()
    User.objects.filter(pk=version.submitted_by_id).update(name=hostile[5][:150])

    text = pdfs.text(receipt_pdf(application))

    assert hit_server.hits == []
    assert "root:" not in text
    assert "127.0.0.1" in text  # shown as text, not fetched


def test_queries_are_few_and_constant(seeded, client):
    application = submitted()
    client.force_login(own_representative(application))
    with CaptureQueriesContext(connection) as one:
        pdfs.response_pdf(client.get(receipt_url(application)))
    add_version(application, motivation="En andra version.")
    with CaptureQueriesContext(connection) as two:
        pdfs.response_pdf(client.get(receipt_url(application, 1)))
    assert len(one) == len(two) <= 10
