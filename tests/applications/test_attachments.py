"""Attachments: type from the content, size limit, private storage, download only for those who may see."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import StaffRole
from applications import attachments
from applications.models import ApplicationAttachment
from tests.applications.test_apply_flow import apply_url, eager_tasks, form_data, make_network  # noqa: F401 (a fixture)
from tests.factories import ApplicationFactory, UserFactory, representative, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    """Files go to a temporary directory, not the checkout's private_media/."""
    storage = FileSystemStorage(location=tmp_path / "private", base_url=None)
    monkeypatch.setattr(ApplicationAttachment._meta.get_field("file"), "storage", storage)
    return storage


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT_BYTES = zip_bytes({"mimetype": attachments.ODT.encode(), "content.xml": b"<office:document-content/>"})


def upload(content: bytes, name="fil.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, attachments.PDF),
        (DOCX_BYTES, attachments.DOCX),
        (XLSX_BYTES, attachments.XLSX),
        (ODT_BYTES, attachments.ODT),
    ],
)
def test_sniff_accepts_the_four_formats(content, expected):
    assert attachments.sniff_content_type(io.BytesIO(content)) == expected


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00 executable",
        b"\x00" * 100,
        b"PK\x03\x04 not really a zip at all",
        zip_bytes({"hello.txt": b"hi"}),
        zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        zip_bytes({"word/document.xml": b"x"}),  # no [Content_Types].xml
        "😀 emoji text".encode(),
        b"",
    ],
)
def test_sniff_rejects_everything_else(content):
    assert attachments.sniff_content_type(io.BytesIO(content)) is None


def test_sniff_rejects_zip_bomb_without_extracting(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_ZIP_UNCOMPRESSED", 1000)
    bomb = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * 100_000})
    assert len(bomb) < 2000
    assert attachments.sniff_content_type(io.BytesIO(bomb)) is None


def test_validate_attachment_refuses_pdf_named_file_with_other_content():
    with pytest.raises(ValidationError) as error:
        attachments.validate_attachment(upload(b"<script>alert(1)</script>", name="report.pdf"))
    assert error.value.code == "wrong_type"


def test_validate_attachment_refuses_too_large(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        attachments.validate_attachment(upload(PDF_BYTES + b"0" * 2000))
    assert error.value.code == "too_large"


@pytest.fixture
def network():
    return make_network(requires_problem_description=True)


def test_private_storage_is_outside_static_and_media_roots():
    location = str(storages["private"].location)
    assert not location.startswith(str(settings.STATIC_ROOT)) and not location.startswith(str(settings.MEDIA_ROOT))
    assert ApplicationAttachment._meta.get_field("file")._storage_callable is not None


def test_upload_through_the_form_is_stored_privately(client, network, private_storage):
    rep = representative("0114")
    client.force_login(rep)
    data = form_data(network)
    data["attachment"] = SimpleUploadedFile("../../etc/Nuläge <b>.docx", DOCX_BYTES)
    assert client.post(apply_url(network), data).status_code == 302
    attachment = ApplicationAttachment.objects.get()
    assert attachment.content_type == attachments.DOCX
    assert attachment.original_name == "Nuläge <b>.docx"
    assert attachment.file.path.startswith(str(private_storage.location))
    assert attachment.file.name == f"applications/{attachment.application_id}/{attachment.token}"


def test_upload_of_wrong_type_is_refused_and_text_kept(client, network):
    client.force_login(representative("0114"))
    data = form_data(network, motivation="Behåll mig")
    data["attachment"] = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")
    response = client.post(apply_url(network), data)
    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors
    assert "Behåll mig" in response.content.decode()
    assert not ApplicationAttachment.objects.exists()


def test_remove_attachment(client, network):
    rep = representative("0114")
    client.force_login(rep)
    data = form_data(network)
    data["attachment"] = SimpleUploadedFile("a.pdf", PDF_BYTES)
    client.post(apply_url(network), data)
    attachment = ApplicationAttachment.objects.get()
    data = form_data(network, attachment.application, remove_attachment=attachment.token)
    assert client.post(apply_url(network), data).status_code == 302
    assert not ApplicationAttachment.objects.exists()


@pytest.fixture
def stored(network):
    application = ApplicationFactory(network=network)
    from applications import services

    rep = representative("0114")
    found = services.attachment_add(
        application=application, actor=rep, uploaded=SimpleUploadedFile("Åtgärdsplan ”2021”.pdf", PDF_BYTES)
    )
    return found


def download_url(attachment):
    return reverse("applications:attachment", args=[attachment.application_id, attachment.token])


def test_download_for_own_representative_is_an_attachment_with_safe_headers(client, stored):
    client.force_login(representative("0114"))
    response = client.get(download_url(stored))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition


def test_download_for_lead_of_the_organiser(client, stored):
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD, organizer=stored.application.network.organizer))
    assert client.get(download_url(stored)).status_code == 200


def test_review_page_links_the_attachment_for_the_lead(client, stored):
    from applications.models import Application

    Application.objects.filter(pk=stored.application_id).update(status=Application.Status.SUBMITTED, version=1)
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD, organizer=stored.application.network.organizer))
    page = client.get(reverse("reviews:detail", args=[stored.application.network.slug, stored.application_id]))
    assert page.status_code == 200
    assert f'href="{download_url(stored)}"' in page.content.decode()


def test_download_refused_for_everyone_else(client, stored):
    url = download_url(stored)
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(representative("0180"))
    assert client.get(url).status_code == 404
    client.force_login(staff(StaffRole.Role.NETWORK_LEAD))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(representative("0114"))
    wrong_token = reverse("applications:attachment", args=[stored.application_id, "x" * 43])
    assert client.get(wrong_token).status_code == 404


def test_attachment_size_setting_is_ten_megabytes():
    assert settings.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024


def _zip_with_mimetype(compress_type, payload: bytes | None = None) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.text", compress_type)
    data = buffer.getvalue()
    return data if payload is None else data.replace(payload, b"\xff" * len(payload), 1)


def test_sniff_rejects_zip_member_in_unsupported_compression():
    import zipfile

    from applications.attachments import sniff_content_type

    data = bytearray(_zip_with_mimetype(zipfile.ZIP_STORED))
    data[8:10] = (99).to_bytes(2, "little")  # local header: compression method 99 (AES), unsupported
    central = data.rfind(b"PK\x01\x02")
    data[central + 10 : central + 12] = (99).to_bytes(2, "little")
    assert sniff_content_type(io_bytes(bytes(data))) is None


def test_sniff_rejects_corrupt_deflate_data():
    import zipfile

    from applications.attachments import sniff_content_type

    good = _zip_with_mimetype(zipfile.ZIP_DEFLATED)
    start = good.index(b"mimetype") + len(b"mimetype")
    corrupt = good[:start] + b"\xff" * 10 + good[start + 10 :]
    assert sniff_content_type(io_bytes(corrupt)) is None


def io_bytes(data: bytes):
    import io

    return io.BytesIO(data)
