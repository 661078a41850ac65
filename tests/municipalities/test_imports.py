import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import StaffRole
from municipalities.imports import plan_import
from municipalities.models import Municipality, MunicipalityDomain, RegisterImport
from municipalities.services import RegisterImportError, register_import_apply, register_import_create
from tests.factories import municipality, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def admin_user(client):
    user = staff(role=StaffRole.Role.ADMINISTRATOR)
    client.force_login(user)
    return user


def upload(client, content: bytes, name: str = "register.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("municipalities:import"), {"file": SimpleUploadedFile(name, content, "text/csv")}, follow=True
    )


def errors_of(plan) -> list[str]:
    return [error for row in plan.rows for error in row.errors]


# --- planning (no writes) -----------------------------------------------------------------


def test_plan_lists_changes_old_to_new():
    plan = plan_import("code,invoice_email,buyer_reference\n0114,faktura@vasby.se,REF 1\n")

    (row,) = plan.rows
    assert row.is_valid
    assert [(c.field, c.old, c.new) for c in row.changes] == [
        ("invoice_email", "–", "faktura@vasby.se"),
        ("buyer_reference", "–", "REF 1"),
    ]
    assert plan.can_apply


def test_plan_rejects_orgnr_with_bad_check_digit():
    plan = plan_import("code,organisation_number\n0180,2120000143\n0114,212000-0019\n")

    bad, same = plan.rows
    assert any("2120000143" in error and "organisation number" in error for error in bad.errors)
    assert same.is_valid
    assert not same.has_changes


def test_plan_orgnr_change_moves_the_derived_peppol_id():
    plan = plan_import("code,organisation_number\n0004,232100-0032\n")

    (row,) = plan.rows
    assert {c.field: c.new for c in row.changes} == {
        "organisation_number": "2321000032",
        "peppol_id": "0007:2321000032",
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("code,invoice_email\n9999,a@b.se\n", "Unknown code"),
        ("code,invoice_email\n0114,not-an-address\n", "not a valid e-mail address"),
        ("code,majority_source_date\n0114,31/3/2023\n", "not a date"),
        ("code,political_majority\n0114,röd-grön\n", "not a known political majority"),
        ("code,peppol_id\n0114,0088:2120000019\n", "not a PEPPOL id"),
        ("code,email_domains\n0114,not a domain!\n", "e-mail domain"),
        ("code,buyer_reference\n0114," + "x" * 101 + "\n", "buyer reference"),
        ("code,invoice_address\n0114," + "x" * 5000 + "\n", "longer than 1000"),
        ("code,buyer_reference\n0114,a,b\n", "more cells"),
    ],
)
def test_plan_reports_row_errors(content, expected):
    plan = plan_import(content)

    assert any(expected in error for error in errors_of(plan)), errors_of(plan)
    assert not plan.valid_rows


def test_plan_rejects_a_repeated_code():
    plan = plan_import("code,invoice_email\n0114,a@b.se\n114,c@d.se\n")

    first, second = plan.rows
    assert first.is_valid
    assert any("earlier row" in error for error in second.errors)


def test_plan_rejects_domain_of_another_municipality():
    MunicipalityDomain.objects.create(municipality=municipality("0180"), domain="stockholm.se")

    plan = plan_import("code,email_domains\n0114,vasby.se stockholm.se\n0115,vasby.se\n")

    first, second = plan.rows
    assert any("stockholm.se" in error and "0180" in error for error in first.errors)
    assert any("vasby.se" in error and "0114" in error for error in second.errors)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("invoice_email\na@b.se\n", "column “code” is missing"),
        ("code,fakturamejl\n0114,a@b.se\n", "Unknown columns: fakturamejl"),
        ("code,code\n0114,0114\n", "more than once"),
        ("code,invoice_email\n", "no data rows"),
        ("\n\n", "empty"),
    ],
)
def test_plan_reports_file_errors(content, expected):
    plan = plan_import(content)

    assert any(expected in error for error in plan.file_errors), plan.file_errors
    assert not plan.can_apply


def test_plan_accepts_semicolons_three_digit_codes_and_swedish_labels():
    plan = plan_import("Code;Invoice email;political_majority\n114;faktura@vasby.se;Cross-bloc\n")

    (row,) = plan.rows
    assert row.code == "0114"
    assert row.is_valid
    assert [c.field for c in row.changes] == ["invoice_email"]


def test_plan_query_count_does_not_grow_with_rows(django_assert_max_num_queries):
    codes = list(Municipality.objects.values_list("code", flat=True)[:200])
    content = "code,buyer_reference\n" + "".join(f"{code},REF-{code}\n" for code in codes)

    with django_assert_max_num_queries(3):
        plan = plan_import(content)

    assert len(plan.valid_rows) == 200


# --- applying ---------------------------------------------------------------------------


def test_apply_changes_valid_rows_only_and_records_the_actor():
    actor = staff(role=StaffRole.Role.ADMINISTRATOR)
    register_import = register_import_create(
        uploaded_by=actor,
        filename="x.csv",
        encoding="utf-8",
        content=(
            "code,invoice_email,political_majority,majority_source,majority_source_date,email_domains\n"
            "0114,faktura@vasby.se,vanster,Kommunfullmäktige,2025-01-15,upplandsvasby.se;vasby.se\n"
            "0180,bad-address,,,,\n"
        ),
    )

    result = register_import_apply(register_import=register_import, actor=actor)

    assert (result.applied, result.rejected) == (1, 1)
    vasby = municipality("0114")
    assert vasby.invoice_email == "faktura@vasby.se"
    assert vasby.political_majority == "vanster"
    assert vasby.majority_source_date == datetime.date(2025, 1, 15)
    assert set(vasby.domains.values_list("domain", flat=True)) == {"upplandsvasby.se", "vasby.se"}
    latest = vasby.history.first()
    assert latest.history_user == actor
    assert latest.history_type == "~"
    assert municipality("0180").invoice_email == ""
    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.APPLIED
    assert register_import.applied_by == actor
    assert (register_import.rows_applied, register_import.rows_rejected) == (1, 1)


def test_apply_twice_is_refused():
    actor = staff(role=StaffRole.Role.ADMINISTRATOR)
    register_import = register_import_create(
        uploaded_by=actor, filename="x.csv", encoding="utf-8", content="code,buyer_reference\n0114,A\n"
    )
    register_import_apply(register_import=register_import, actor=actor)

    with pytest.raises(RegisterImportError):
        register_import_apply(register_import=register_import, actor=actor)


# --- through the pages ------------------------------------------------------------------


def test_upload_preview_apply_through_the_pages(client, admin_user):
    response = upload(
        client,
        b"code;invoice_email;organisation_number\r\n0114;faktura@vasby.se;2120000143\r\n0115;e@vallentuna.se;\r\n",
    )

    assert response.status_code == 200
    register_import = RegisterImport.objects.get()
    assert response.redirect_chain[-1][0] == reverse("municipalities:import_preview", args=[register_import.pk])
    content = response.content.decode()
    assert "e@vallentuna.se" in content
    assert "2120000143" in content
    assert "not a valid Swedish organisation number" in content
    assert municipality("0115").invoice_email == ""

    response = client.post(reverse("municipalities:import_apply", args=[register_import.pk]), follow=True)

    assert response.status_code == 200
    assert "Rows changed: 1. Rows skipped because of errors: 1." in response.content.decode()
    assert municipality("0115").invoice_email == "e@vallentuna.se"
    assert municipality("0115").history.first().history_user == admin_user
    assert municipality("0114").invoice_email == ""


def test_upload_windows_1252_with_semicolons(client, admin_user):
    content = "code;invoice_address\n0114;Box 1, 194 80 Upplands Väsby\n".encode("cp1252")

    response = upload(client, content)

    register_import = RegisterImport.objects.get()
    assert register_import.encoding == "windows-1252"
    assert "194 80 Upplands Väsby" in response.content.decode()


def test_upload_utf8_with_bom(client, admin_user):
    response = upload(client, "\ufeffcode,buyer_reference\n0114,REF\n".encode())

    assert RegisterImport.objects.get().encoding == "utf-8"
    assert "Unknown columns" not in response.content.decode()
    assert "REF" in response.content.decode()


def test_upload_cancel_changes_nothing(client, admin_user):
    upload(client, b"code,buyer_reference\n0114,REF\n")
    register_import = RegisterImport.objects.get()

    client.post(reverse("municipalities:import_cancel", args=[register_import.pk]))
    response = client.post(reverse("municipalities:import_apply", args=[register_import.pk]), follow=True)

    register_import.refresh_from_db()
    assert register_import.status == RegisterImport.Status.CANCELLED
    assert "already been applied or cancelled" in response.content.decode()
    assert municipality("0114").buyer_reference == ""


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "submitted file is empty"),
        (b"   \n\n", "The file is empty"),
        (b"\x00\x01\x02\xff\xfe binary \x00" * 100, "does not look like a CSV text file"),
        (bytes(range(256)) * 10, "does not look like a CSV text file"),
        (b"\x81\x8d\x8f\x90\x9d", "could not be read as text"),
    ],
)
def test_upload_rejects_unreadable_files(client, admin_user, content, expected):
    response = upload(client, content)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not RegisterImport.objects.exists()


def test_upload_rejects_files_over_2_mb(client, admin_user):
    content = b"code,buyer_reference\n" + b"0114,REF\n" * (2 * 1024 * 1024 // 9 + 10)

    response = upload(client, content)

    assert "larger than 2 MB" in response.content.decode()
    assert not RegisterImport.objects.exists()


def test_upload_rejects_more_than_2000_rows(client, admin_user):
    content = b"code,buyer_reference\n" + b"0114,REF\n" * 2001

    response = upload(client, content)

    assert response.status_code == 200
    assert "more than 2000 rows" in response.content.decode()
    assert "Apply the change" not in response.content.decode()


@pytest.mark.parametrize(
    "content",
    [
        b"invoice_email\na@b.se\n",
        b"code,invoice_email\n",
        b'code,invoice_email\n0114,"unterminated\n',
        b"code,invoice_address\n0114," + b"x" * 200_000 + b"\n",
        b"code," + b"c" * 100_000 + b"\n0114,x\n",
        b'"' * 5000,
        b"\xef\xbb\xbf",
    ],
)
def test_upload_hostile_or_broken_csv_never_fails(client, admin_user, content):
    response = upload(client, content)

    assert response.status_code == 200
    assert not RegisterImport.objects.filter(status=RegisterImport.Status.APPLIED).exists()


def test_upload_escapes_html_in_cells_and_file_name(client, admin_user):
    content = (
        b"code,buyer_reference,fake<script>alert(1)</script>\n"
        b"<script>alert(2)</script>,<img src=x onerror=alert(3)>,x\n"
    )

    response = upload(client, content, name="<b>evil</b>.csv")

    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>evil" not in html
    assert "&lt;script&gt;" in html


def test_upload_escapes_html_in_changes(client, admin_user):
    response = upload(client, b"code,buyer_reference\n0114,<script>alert(1)</script>\n")

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
