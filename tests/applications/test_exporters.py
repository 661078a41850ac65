"""Export of the review list: CSV for Swedish Excel and XLSX, from the same rows."""

import csv
import io
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from applications.exporters import ReviewListExporter, csv_value, neutralise, to_csv, to_xlsx
from applications.models import Application
from applications.reviews import application_review_list, review_rows, review_save
from tests.factories import ApplicationFactory, NetworkFactory, ReviewCriterionFactory, municipality, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


HOSTILE_NAME = '=HYPERLINK("http://evil.example","klicka")'


@pytest.fixture
def exported():
    """A network with one submitted application scored 3 and 4 (average 3.5), its municipality renamed hostile."""
    network = NetworkFactory(title="Nätverk: [test]")
    criteria = [ReviewCriterionFactory(network=network, title="-Mål"), ReviewCriterionFactory(network=network)]
    place = municipality("0114")
    place.name = HOSTILE_NAME
    place.save()
    application = ApplicationFactory(
        network=network,
        municipality=place,
        status=Application.Status.SUBMITTED,
        version=2,
        submitted_at=timezone.make_aware(datetime(2025, 3, 14, 9, 30)),
    )
    lead = staff(organizer=network.organizer)
    review_save(
        application=application,
        reviewer=lead,
        scores={criteria[0].pk: (3, ""), criteria[1].pk: (4, "")},
        actor=lead,
    )
    queryset = application_review_list(network=network, criteria=criteria)
    return {
        "network": network,
        "lead": lead,
        "exporter": ReviewListExporter(criteria=criteria, rows=review_rows(queryset, criteria)),
    }


def parse_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_has_bom_semicolons_crlf_and_decimal_comma(exported):
    data = to_csv(exported["exporter"])
    assert data.startswith("\ufeff".encode())
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    header, row = parse_csv(data)
    assert header[0] == "Municipality" and len(header) == len(row)
    values = dict(zip(header, row, strict=True))
    assert values["Average"] == "3,5"
    assert values["Spread (standard deviation)"] == "0,5"
    assert values["Population"] == "50550"  # a number stays a number: no quote, no thousands separator
    assert values["Version"] == "2"
    assert values["Reviewers"] == "1"
    assert values["Submitted"] == "2025-03-14 09:30"
    assert values["County"] == "Stockholms län"


def test_csv_neutralises_formula_text_but_not_numbers(exported):
    header, row = parse_csv(to_csv(exported["exporter"]))
    assert row[0] == "'" + HOSTILE_NAME
    assert header[-2] == "Average: -Mål"
    assert not any(cell.startswith("'") for cell in row[1:])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+46 8 123", "'+46 8 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Åre", "Åre"),
        (-2, "-2"),
        (3.5, "3,5"),
        (2.0, "2"),
        (0.8165, "0,82"),
        (None, ""),
    ],
)
def test_csv_value(value, expected):
    assert csv_value(value) == expected


def test_neutralise_leaves_ordinary_text():
    assert neutralise("Upplands Väsby") == "Upplands Väsby"


def test_xlsx_opens_with_numbers_as_numbers_dates_as_dates_and_text_as_text(exported):
    workbook = load_workbook(io.BytesIO(to_xlsx(exported["exporter"], title="Nätverk: [test]")))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert row["Average"].value == 3.5 and row["Average"].data_type == "n"
    assert row["Population"].value == 50550 and row["Population"].data_type == "n"
    assert row["Reviewers"].value == 1
    assert row["Submitted"].is_date and row["Submitted"].value == datetime(2025, 3, 14, 9, 30)
    # The hostile name is a text cell, never a formula.
    assert row["Municipality"].value == HOSTILE_NAME and row["Municipality"].data_type == "s"
    assert sheet.max_row == 2


def test_export_views_return_files_filtered_like_the_list(exported, client):
    network = exported["network"]
    client.force_login(exported["lead"])
    response = client.get(reverse("reviews:export_csv", args=[network.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    assert len(parse_csv(response.content)) == 2
    drafts_only = client.get(reverse("reviews:export_csv", args=[network.slug]), {"status": "draft"})
    assert len(parse_csv(drafts_only.content)) == 1
    response = client.get(reverse("reviews:export_xlsx", args=[network.slug]))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 2


def test_xlsx_strips_characters_excel_cannot_hold(exported):
    criterion = ReviewCriterionFactory(network=exported["network"], title="Bell\x07 and ESC\x1b")
    rows = review_rows(application_review_list(network=exported["network"], criteria=[criterion]), [criterion])
    data = to_xlsx(ReviewListExporter(criteria=[criterion], rows=rows))
    header = [cell.value for cell in load_workbook(io.BytesIO(data)).active[1]]
    assert header[-1] == "Average: Bell and ESC"
