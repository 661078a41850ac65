"""The political majority import: planning, row and file errors, applying, the pages and who may use them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import StaffRole
from municipalities.majority_import import (
    MajorityImportError,
    majority_import_apply,
    majority_import_create,
    plan_majority_import,
)
from municipalities.models import MajorityImport, Municipality
from tests.factories import UserFactory, municipality, representative, staff

pytestmark = pytest.mark.django_db
Role = StaffRole.Role
HEADER = "code;majority;bloc;source;date\n"


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def lead(client):
    user = staff(role=Role.NETWORK_LEAD)
    client.force_login(user)
    return user


@pytest.fixture
def pending(db):
    return majority_import_create(
        uploaded_by=None, filename="x.csv", encoding="utf-8", content=HEADER + "0114;vanster;;SKR 2022;2022-10-15\n"
    )


def upload(client, content: bytes, name: str = "styre.csv"):
    return client.post(
        reverse("municipalities:majority_import"), {"file": SimpleUploadedFile(name, content, "text/csv")}, follow=True
    )


def errors_of(plan) -> list[str]:
    return [error for row in plan.rows for error in row.errors]


def tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


# --- planning (no writes) -----------------------------------------------------------------


def test_plan_shows_current_and_new_majority_bloc_source_and_date():
    plan = plan_majority_import(
        HEADER + "0114;vanster;vänster;SKR, Styre efter valet 2022;2022-09-11\n"
        "0115;Borgerligt med SD;right;SKR;2023-3-31\n"
    )

    first, second = plan.rows
    assert first.is_valid and second.is_valid, errors_of(plan)
    assert first.values == {
        "political_majority": "vanster",
        "majority_source": "SKR, Styre efter valet 2022",
        "majority_source_date": datetime.date(2022, 9, 11),
    }
    assert (first.current_majority, first.new_majority, first.bloc_label) == (
        "Cross-bloc",
        "Left (S, V, MP)",
        "Left bloc",
    )
    assert second.values["political_majority"] == "borgerligt_sd"
    assert second.values["majority_source_date"] == datetime.date(2023, 3, 31)
    assert second.bloc_label == "Right bloc"
    assert plan.can_apply
    assert municipality("0114").political_majority == "blockoverskridande"  # planning writes nothing


@pytest.mark.parametrize(
    ("majority", "expected"),
    [
        ("borgerligt", "borgerligt"),
        ("BORGERLIGT_SD", "borgerligt_sd"),
        ("Vänster (S, V, MP)", "vanster"),
        ("vänster", "vanster"),
        ("Blocköverskridande", "blockoverskridande"),
        ("  övrigt  ", "ovrigt"),
        ("Övrigt (endast lokala partier)", "ovrigt"),
        ("Cross-bloc", "blockoverskridande"),
        ("Centre-right (M, C, L, KD)", "borgerligt"),
        ("oklart", "oklart"),
    ],
)
def test_plan_accepts_keys_and_english_or_swedish_labels(majority, expected):
    plan = plan_majority_import(f"code;majority;source\n0180;{majority};SKR\n")

    (row,) = plan.rows
    assert row.is_valid, row.errors
    assert row.values["political_majority"] == expected


@pytest.mark.parametrize(
    ("majority", "given_bloc"),
    [
        ("vanster", "Vänster"),
        ("vanster", "left"),
        ("borgerligt", "höger"),
        ("borgerligt_sd", "borgerlig"),
        ("blockoverskridande", "inget"),
        ("oklart", "neither"),
        ("ovrigt", ""),
        ("vanster", ""),
    ],
)
def test_plan_accepts_a_bloc_that_agrees(majority, given_bloc):
    plan = plan_majority_import(f"{HEADER}0180;{majority};{given_bloc};SKR;2022-10-01\n")

    assert plan.rows[0].is_valid, plan.rows[0].errors


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("9999;vanster;;SKR;2022-10-01", "Unknown code “9999”"),
        ("abc;vanster;;SKR;2022-10-01", "Unknown code “abc”"),
        ("0114;röd-grön;;SKR;2022-10-01", "“röd-grön” is not a known political majority"),
        ("0114;;;SKR;2022-10-01", "The majority is missing"),
        ("0114;vanster;höger;SKR;2022-10-01", "does not agree with the majority Left (S, V, MP)"),
        ("0114;blockoverskridande;left;SKR;2022-10-01", "which counts as neither bloc"),
        ("0114;borgerligt;vänster;SKR;2022-10-01", "which counts as right bloc"),
        ("0114;vanster;lila;SKR;2022-10-01", "“lila” is not a bloc"),
        ("0114;vanster;;SKR;31/3/2023", "“31/3/2023” is not a date of the form YYYY-MM-DD"),
        ("0114;vanster;;SKR;2023-02-30", "“2023-02-30” is not a date"),
        ("0114;vanster;;SKR;2023-13-01", "is not a date"),
        ("0114;vanster;;SKR;" + tomorrow(), "is in the future"),
        ("0114;vanster;;;2022-10-01", "The source is missing"),
        (
            "0114;vanster;;" + "k" * 201 + ";2022-10-01",
            "Source of the political majority: Ensure this value has at most 200",
        ),
        ("0114;vanster;;" + "k" * 5000 + ";2022-10-01", "Values longer than 1000 characters in: source"),
        ("0114;vanster;;=cmd|' /C calc'!A0;2022-10-01", "spreadsheets would run it as a formula"),
        ("0114;vanster;;@SUM(A1);2022-10-01", "spreadsheets would run it as a formula"),
        ("0114;vanster;;SKR;2022-10-01;extra", "more cells"),
    ],
)
def test_plan_reports_row_errors(row, expected):
    plan = plan_majority_import(HEADER + row + "\n")

    assert any(expected in error for error in errors_of(plan)), errors_of(plan)
    assert not plan.valid_rows
    assert not plan.can_apply


def test_plan_reports_every_error_of_a_row():
    plan = plan_majority_import(HEADER + "0114;vanster;höger;;2999-01-01\n")

    (row,) = plan.rows
    assert len(row.errors) == 3, row.errors  # bloc, source, date


def test_plan_rejects_a_repeated_code_on_the_later_row():
    plan = plan_majority_import(HEADER + "0114;vanster;;SKR;2022-10-01\n114;borgerligt;;SKR;2022-10-01\n")

    first, second = plan.rows
    assert first.is_valid
    assert second.errors == ["The code 0114 appears on an earlier row too."]
    assert len(plan.valid_rows) == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("code;bloc;source\n0114;left;SKR\n", "Required columns are missing: majority"),
        ("majority;source\nvanster;SKR\n", "Required columns are missing: code"),
        ("code;majority\n0114;vanster\n", "Required columns are missing: source"),
        ("code;majority;source;styrelse\n0114;vanster;SKR;x\n", "Unknown columns: styrelse"),
        ("code;majority;source;kod\n0114;vanster;SKR;0114\n", "more than once: code"),
        (HEADER, "no data rows"),
        ("\n\n", "empty"),
    ],
)
def test_plan_reports_file_errors(content, expected):
    plan = plan_majority_import(content)

    assert any(expected in error for error in plan.file_errors), plan.file_errors
    assert not plan.can_apply
    assert not plan.rows


def test_plan_accepts_swedish_columns_commas_regions_and_optional_columns():
    plan = plan_majority_import(
        "Kod,Namn,Majoritet,Block,Källa,Datum,Partier,KSO\n"
        '01,Region Stockholm,borgerligt,höger,SKR regioner 2022,2022-10-17,"M, KD ;L",M\n'
        "0180,Stockholm,vanster,,SKR,,,\n"
    )

    region, stockholm = plan.rows
    assert region.is_valid, region.errors
    assert region.municipality.name == "Region Stockholm"
    assert region.values["majority_parties"] == "M;KD;L"
    assert region.values["kso_party"] == "M"
    assert stockholm.is_valid, stockholm.errors
    # An empty date, parties or KSO cell leaves the register's value as it is.
    assert set(stockholm.values) == {"political_majority", "majority_source"}


def test_plan_counts_a_row_equal_to_the_register_as_unchanged():
    current = municipality("0114")
    content = f"{HEADER}0114;{current.political_majority};;{current.majority_source};{current.majority_source_date}\n"

    plan = plan_majority_import(content)

    assert plan.unchanged_count == 1
    assert not plan.valid_rows
    assert not plan.can_apply


def test_plan_query_count_does_not_grow_with_rows(django_assert_max_num_queries):
    codes = list(Municipality.objects.values_list("code", flat=True)[:250])
    content = HEADER + "".join(f"{code};oklart;;SKR test;2024-01-01\n" for code in codes)

    with django_assert_max_num_queries(1):
        plan = plan_majority_import(content)

    assert len(plan.valid_rows) == 250


# --- applying ---------------------------------------------------------------------------


def test_apply_changes_valid_rows_only_and_records_history():
    actor = staff(role=Role.NETWORK_LEAD)
    majority_import = majority_import_create(
        uploaded_by=actor,
        filename="styre.csv",
        encoding="utf-8",
        content=HEADER + "0114;vanster;vänster;SKR 2022;2022-10-15\n0180;röd;;SKR;2022-10-15\n",
    )
    before = municipality("0114").history.count()

    result = majority_import_apply(majority_import=majority_import, actor=actor)

    assert (result.applied, result.rejected, result.unchanged) == (1, 1, 0)
    vasby = municipality("0114")
    assert vasby.political_majority == "vanster"
    assert vasby.majority_source == "SKR 2022"
    assert vasby.majority_source_date == datetime.date(2022, 10, 15)
    assert vasby.majority_parties == "L;S;Väsbys Bästa"  # no parties column: unchanged
    assert vasby.history.count() == before + 1
    latest = vasby.history.first()
    assert (latest.history_user, latest.history_type, latest.political_majority) == (actor, "~", "vanster")
    assert municipality("0180").majority_source != "SKR"  # the row with an error is skipped
    majority_import.refresh_from_db()
    assert majority_import.status == MajorityImport.Status.APPLIED
    assert (majority_import.applied_by, majority_import.rows_applied, majority_import.rows_rejected) == (actor, 1, 1)


def test_apply_twice_is_refused(pending):
    actor = staff(role=Role.ADMINISTRATOR)
    majority_import_apply(majority_import=pending, actor=actor)

    with pytest.raises(MajorityImportError):
        majority_import_apply(majority_import=pending, actor=actor)


def test_apply_skips_rows_that_became_invalid_and_keeps_valid_ones():
    # The register is planned again when applying: a file whose rows are all errors applies nothing.
    majority_import = majority_import_create(
        uploaded_by=None, filename="x.csv", encoding="utf-8", content=HEADER + "9999;vanster;;SKR;2022-10-15\n"
    )

    result = majority_import_apply(majority_import=majority_import, actor=None)

    assert (result.applied, result.rejected) == (0, 1)


# --- through the pages ------------------------------------------------------------------


def test_upload_preview_apply_through_the_pages(client, lead):
    response = upload(
        client, (HEADER + "0114;vanster;vänster;SKR 2022;2022-10-15\n0115;rosa;;SKR;2022-10-15\n").encode()
    )

    assert response.status_code == 200
    majority_import = MajorityImport.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "municipalities:majority_import_preview", args=[majority_import.pk]
    )
    page = response.content.decode()
    assert "Upplands Väsby" in page
    assert "Cross-bloc" in page and "Left (S, V, MP)" in page and "Left bloc" in page
    assert "2022-10-15" in page and "SKR 2022" in page
    assert "“rosa” is not a known political majority" in page
    assert "Apply the change to 1 row" in page
    assert municipality("0114").political_majority == "blockoverskridande"  # the preview applies nothing

    response = client.post(reverse("municipalities:majority_import_apply", args=[majority_import.pk]), follow=True)

    assert "Rows changed: 1. Rows skipped because of errors: 1." in response.content.decode()
    assert municipality("0114").political_majority == "vanster"
    assert municipality("0114").history.first().history_user == lead


def test_preview_page_applies_nothing(client, lead, pending):
    for _ in range(2):
        response = client.get(reverse("municipalities:majority_import_preview", args=[pending.pk]))
        assert response.status_code == 200

    pending.refresh_from_db()
    assert pending.status == MajorityImport.Status.PENDING
    assert municipality("0114").political_majority == "blockoverskridande"


def test_preview_refuses_get_on_apply(client, lead, pending):
    assert client.get(reverse("municipalities:majority_import_apply", args=[pending.pk])).status_code == 405
    assert municipality("0114").political_majority == "blockoverskridande"


def test_cancel_changes_nothing_and_apply_after_it_is_refused(client, lead, pending):
    client.post(reverse("municipalities:majority_import_cancel", args=[pending.pk]))
    response = client.post(reverse("municipalities:majority_import_apply", args=[pending.pk]), follow=True)

    pending.refresh_from_db()
    assert pending.status == MajorityImport.Status.CANCELLED
    assert "already been applied or cancelled" in response.content.decode()
    assert municipality("0114").political_majority == "blockoverskridande"


def test_preview_query_count_does_not_grow_with_rows(client, lead):
    def preview_queries(count: int) -> int:
        codes = Municipality.objects.order_by("code").values_list("code", flat=True)[:count]
        content = HEADER + "".join(f"{code};oklart;inget;SKR;2024-01-01\n" for code in codes) + "9999;x;;;\n"
        majority_import = majority_import_create(uploaded_by=lead, filename="x.csv", encoding="utf-8", content=content)
        url = reverse("municipalities:majority_import_preview", args=[majority_import.pk])
        client.get(url)  # warm up (session, caches)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    assert preview_queries(2) == preview_queries(250)


def test_upload_windows_1252_with_semicolons(client, lead):
    content = (HEADER + "0114;Vänster;höger;Kommunfullmäktige Väsby;2022-10-15\n").encode("cp1252")

    response = upload(client, content)

    assert MajorityImport.objects.get().encoding == "windows-1252"
    page = response.content.decode()
    assert "Kommunfullmäktige Väsby" not in page  # the row has an error, so it is not in the changes
    assert "“höger” does not agree with the majority Left (S, V, MP)" in page


def test_upload_utf8_with_bom_and_commas(client, lead):
    response = upload(client, "\ufeffcode,majority,bloc,source,date\n0114,vanster,left,SKR,2022-10-15\n".encode())

    assert MajorityImport.objects.get().encoding == "utf-8"
    page = response.content.decode()
    assert "Unknown columns" not in page
    assert "Apply the change to 1 row" in page


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "submitted file is empty"),
        (b"   \n\n", "The file is empty"),
        (b"\x00\x01\x02 binary \x00" * 100, "does not look like a CSV text file"),
        (b"\x81\x8d\x8f\x90\x9d", "could not be read as text"),
    ],
)
def test_upload_rejects_unreadable_files(client, lead, content, expected):
    response = upload(client, content)

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not MajorityImport.objects.exists()


def test_upload_rejects_files_over_1_mb(client, lead):
    content = HEADER.encode() + b"0114;vanster;;SKR;2022-10-15\n" * (1024 * 1024 // 28 + 10)

    response = upload(client, content)

    assert response.status_code == 200
    assert "larger than 1 MB" in response.content.decode()
    assert not MajorityImport.objects.exists()


def test_upload_rejects_more_than_2000_rows(client, lead):
    content = HEADER.encode() + b"0114;vanster;;SKR;2022-10-15\n" * 2001

    response = upload(client, content)

    assert response.status_code == 200
    assert "more than 2000 rows" in response.content.decode()
    assert "Apply the change" not in response.content.decode()


@pytest.mark.parametrize(
    "content",
    [
        b"majority;source\nvanster;SKR\n",
        HEADER.encode(),
        b'code;majority;source\n0114;"unterminated\n',
        b"code;majority;source\n0114;vanster;" + b"x" * 200_000 + b"\n",
        b"code;" + b"c" * 100_000 + b"\n0114;x\n",
        b'"' * 5000,
        b"\xef\xbb\xbf",
        b";;;;\n;;;;\n",
    ],
)
def test_upload_hostile_or_broken_csv_never_fails(client, lead, content):
    response = upload(client, content)

    assert response.status_code == 200
    assert not MajorityImport.objects.filter(status=MajorityImport.Status.APPLIED).exists()


def test_upload_escapes_html_and_shows_formulas_as_text(client, lead):
    content = (
        HEADER + "<script>alert(1)</script>;vanster;;SKR;2022-10-15\n"
        "0114;<img src=x onerror=alert(2)>;;SKR;2022-10-15\n"
        "0115;vanster;;<script>alert(3)</script>;2022-10-15\n"
        "0117;vanster;;=cmd|' /C calc'!A0;2022-10-15\n"
        "=cmd|' /C calc'!A0;vanster;;SKR;2022-10-15\n"
    ).encode()

    response = upload(client, content, name="<b>evil</b>.csv")

    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>evil" not in html
    assert "&lt;script&gt;alert(1)" in html  # an unknown code, shortened
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html  # a valid source, shown as text
    assert "spreadsheets would run it as a formula" in html
    assert "Unknown code “=cmd|&#x27; /C calc" in html

    client.post(reverse("municipalities:majority_import_apply", args=[MajorityImport.objects.get().pk]))

    assert municipality("0115").majority_source == "<script>alert(3)</script>"  # stored as text, escaped on output
    assert municipality("0117").political_majority != "vanster"  # the formula row was skipped


# --- who may use it ----------------------------------------------------------------------


def users() -> dict:
    return {
        "anonymous": None,
        "plain user": UserFactory(),
        "representative": representative("0114"),
        "finance": staff(Role.FINANCE),
        "lead": staff(Role.NETWORK_LEAD),
        "administrator": staff(Role.ADMINISTRATOR),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }


ALLOWED = {"lead", "administrator", "superuser"}


def test_pages_are_for_leads_and_administrators(client, pending):
    pages = [
        ("get", reverse("municipalities:majority_import")),
        ("get", reverse("municipalities:majority_import_preview", args=[pending.pk])),
        ("post", reverse("municipalities:majority_import_cancel", args=[pending.pk + 1000])),
        ("post", reverse("municipalities:majority_import_apply", args=[pending.pk + 1000])),
    ]
    for who, user in users().items():
        client.logout()
        if user:
            client.force_login(user)
        for method, url in pages:
            response = getattr(client, method)(url)
            if who == "anonymous":
                assert response.status_code == 302 and reverse("account_login") in response["Location"], url
            elif who in ALLOWED:
                assert response.status_code == (200 if method == "get" else 404), (who, url)
            else:
                assert response.status_code == 403, (who, url)


@pytest.mark.parametrize("who", ["anonymous", "plain user", "representative", "finance"])
def test_apply_and_cancel_refused_to_others_change_nothing(client, pending, who):
    user = users()[who]
    if user:
        client.force_login(user)

    for name in ("majority_import_apply", "majority_import_cancel"):
        assert client.post(reverse(f"municipalities:{name}", args=[pending.pk])).status_code in (302, 403)

    pending.refresh_from_db()
    assert pending.status == MajorityImport.Status.PENDING
    assert municipality("0114").political_majority == "blockoverskridande"


def test_list_page_links_to_the_import(client, lead):
    page = client.get(reverse("municipalities:list")).content.decode()

    assert reverse("municipalities:majority_import") in page
