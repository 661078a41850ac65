"""The network pack (portal.pack): every document of a network in one zip, made by the stored-document task."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from accounts.models import StaffRole
from portal import pack
from reports import stored
from reports.models import FinalReport, StoredDocument
from tests.factories import staff
from tests.reports import pdfs
from tests.reports.test_final_report import network_with_members
from tests.reports.test_stored_documents import private_storage  # noqa: F401 - autouse: files in tmp_path

pytestmark = pytest.mark.django_db

KIND = StoredDocument.Kind.NETWORK_PACK
Status = StoredDocument.Status


@pytest.fixture
def network():
    return network_with_members(2)


@pytest.fixture
def lead(network):
    return staff(StaffRole.Role.NETWORK_LEAD, organizer=network.organizer)


def _request(network, lead, capture) -> StoredDocument:
    with capture(execute=True):
        document = stored.request_document(network, KIND, lead)
    document.refresh_from_db()
    return document


def test_pack_is_registered_and_not_checked_on_every_page_view():
    builder = stored.BUILDERS[KIND]
    assert builder.content_type == "application/zip"
    assert builder.checked_on_page is False


def test_pack_holds_every_document_of_the_network(
    network,
    lead,
    private_storage,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    document = _request(network, lead, django_capture_on_commit_callbacks)
    assert document.status == Status.DONE, document.error
    assert document.file_name.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(private_storage.open(document.file.name).read()))
    names = archive.namelist()
    assert names[0].startswith("inbjudan-")
    assert any(name.startswith("urvalsrapport-") for name in names)
    assert any(name.startswith("kontaktlista-") for name in names)
    assert any(name.startswith("narvarolista-") for name in names)
    assert names[-1].startswith("slutrapport-")
    assert len(names) == len(set(names))
    total = 0
    for name in names:
        data = archive.read(name)
        total += pdfs.page_count(data)
        assert pdfs.language(data) == "sv"
    assert document.pages == total
    final = pdfs.text(archive.read(names[-1]))
    assert network.title in final


def test_unchanged_data_reuses_the_pack_and_a_change_makes_a_new_one(network, lead, django_capture_on_commit_callbacks):
    first = _request(network, lead, django_capture_on_commit_callbacks)
    again = _request(network, lead, django_capture_on_commit_callbacks)
    assert again.pk == first.pk
    FinalReport.objects.create(network=network, summary="Ny sammanfattning")
    changed = _request(network, lead, django_capture_on_commit_callbacks)
    assert changed.pk != first.pk and changed.status == Status.DONE


def test_the_hub_offers_the_pack_and_every_document(client, network, lead, django_capture_on_commit_callbacks):
    client.force_login(lead)
    url = reverse("reports:documents", args=[network.slug])
    page = client.get(url).content.decode()
    for name, args in (
        ("portal:invitation_pdf", [network.slug]),
        ("reports:selection_report_pdf", [network.slug]),
        ("reports:contacts_pdf", [network.slug]),
        ("reports:final_report", [network.slug]),
        ("reports:document_request", [network.slug, KIND]),
    ):
        assert reverse(name, args=args) in page, name
    meeting = network.meetings.first()
    assert reverse("reports:attendance_pdf", args=[network.slug, meeting.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:document_request", args=[network.slug, KIND]), {"back": "documents"})
    assert response.status_code == 302
    document = StoredDocument.objects.get(network=network, kind=KIND)
    page = client.get(url).content.decode()
    assert reverse("reports:document_download", args=[network.slug, document.pk]) in page
    download = client.get(reverse("reports:document_download", args=[network.slug, document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"


def test_part_names_are_unique():
    parts = [pack.Part("a.pdf", str), pack.Part("a.pdf", str), pack.Part("b.pdf", str), pack.Part("a.pdf", str)]
    assert [part.file_name for part in pack._unique_names(parts)] == ["a.pdf", "a-2.pdf", "b.pdf", "a-3.pdf"]
