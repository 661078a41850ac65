import socket

import pytest

from municipalities import kolada
from municipalities.kolada import KoladaClient, KoladaError, ValueRow
from tests.municipalities.kolada_server import Reply, start_fake


@pytest.fixture
def fake(settings, monkeypatch):
    server, sleeps = start_fake(settings, monkeypatch)
    server.sleeps = sleeps
    yield server
    server.stop()


def test_municipalities_reads_the_v3_envelope_with_user_agent_and_per_page(fake, settings):
    fake.add_municipality("0000", "Riket", "L")
    fake.add_municipality("0114", "Upplands Väsby")

    rows = KoladaClient().municipalities()

    assert rows == [
        {"id": "0000", "title": "Riket", "type": "L"},
        {"id": "0114", "title": "Upplands Väsby", "type": "K"},
    ]
    request = fake.requests[0]
    assert request.path == "/v3/municipality"
    assert request.query == {"per_page": "5000"}
    assert request.headers["User-Agent"] == f"Kommunnatverk/1.0 (+{settings.SITE_URL})"


def test_paging_follows_next_url_over_several_pages(fake):
    fake.page_size = 2
    for number in range(5):
        fake.add_municipality(f"01{number:02}", f"Kommun {number}")

    rows = KoladaClient().municipalities()

    assert [row["id"] for row in rows] == ["0100", "0101", "0102", "0103", "0104"]
    assert [request.query.get("page") for request in fake.requests] == [None, "2", "3"]


def test_long_id_lists_are_chunked_at_25(fake):
    ids = [f"N{number:05}" for number in range(60)]
    for kpi_id in ids:
        fake.add_kpi(kpi_id)

    rows = KoladaClient().kpis(ids)

    assert [row["id"] for row in rows] == ids
    assert [len(request.path.rsplit("/", 1)[1].split(",")) for request in fake.requests] == [25, 25, 10]


def test_values_chunk_every_segment(fake):
    municipalities = [f"{number:04}" for number in range(100, 130)]
    years = list(range(1990, 2020))
    fake.add_value("N01951", "0100", 1990, 5.0)

    rows = list(KoladaClient().values(["N01951"], municipalities, years))

    assert len(rows) == 1
    assert len(fake.requests) == 4  # 2 municipality chunks × 2 year chunks, none refused with 422
    assert all(request.path.startswith("/v3/data/kpi/N01951/municipality/") for request in fake.requests)


def test_values_normalise_null_values_isdeleted_rows_and_genders(fake):
    fake.add_value("N01951", "0114", 2024, 50000.0, gender="T")
    fake.add_value("N01951", "0114", 2024, 25100.0, gender="K")
    fake.add_value("N01951", "0114", 2024, 24900.0, gender="M")
    fake.add_value("N01951", "0114", 2023, None, status="Saknas")
    fake.add_value("N01951", "0180", 2024, 1.0, isdeleted=True)

    rows = list(KoladaClient().values(["N01951"], years=[2023, 2024]))

    assert ValueRow("N01951", "0114", 2023, "T", None, "Saknas", False) in rows
    assert {row.gender for row in rows if row.period == 2024 and row.municipality == "0114"} == {"T", "K", "M"}
    assert ValueRow("N01951", "0180", 2024, "T", 1.0, "", True) in rows
    assert fake.requests[0].path == "/v3/data/kpi/N01951/year/2023,2024"


@pytest.mark.parametrize(
    "item",
    [
        {"kpi": "N01951", "municipality": "0114", "period": 2**63, "values": []},  # would overflow the column
        {"kpi": "N01951", "municipality": "0114", "period": 1066, "values": []},
        {"kpi": "N01951", "municipality": "0114", "period": 2024, "values": [{"gender": "T", "value": "NaN"}]},
        {"kpi": "N01951", "municipality": "0114", "period": 2024, "values": [{"gender": "T", "value": 1e400}]},
    ],
)
def test_impossible_years_and_non_finite_values_are_malformed_rows(item):
    with pytest.raises(KoladaError, match="cannot read"):
        kolada._value_rows(item)


def test_values_with_an_empty_list(fake):
    assert list(KoladaClient().values(["N01951"], years=[2024])) == []


def test_429_is_retried_after_retry_after_seconds(fake):
    fake.add_municipality("0114", "Upplands Väsby")
    fake.script("/v3/municipality", Reply(429, {"error": "slow down"}, {"Retry-After": "2"}))

    assert len(KoladaClient().municipalities()) == 1
    assert len(fake.requests) == 2
    assert 2.0 in fake.sleeps


def test_retry_after_is_capped(fake):
    fake.script("/v3/municipality", Reply(429, {}, {"Retry-After": "3600"}))

    KoladaClient().municipalities()

    assert max(fake.sleeps) == kolada.RETRY_AFTER_CAP_SECONDS


def test_500_then_success_backs_off(fake):
    fake.add_municipality("0114", "Upplands Väsby")
    fake.script("/v3/municipality", Reply(500, {"error": "oops"}), Reply(503, {}))

    client = KoladaClient()
    assert len(client.municipalities()) == 1
    assert client.requests == 3
    assert [delay for delay in fake.sleeps if delay >= 1] == [1.0, 2.0]


def test_persistent_500_gives_up_after_four_attempts(fake):
    fake.script("/v3/municipality", *[Reply(500, {})] * 5)

    with pytest.raises(KoladaError, match="HTTP 500 4 times"):
        KoladaClient().municipalities()
    assert len(fake.requests) == 4


@pytest.mark.parametrize("status", [400, 404, 422])
def test_client_errors_are_not_retried(fake, status):
    fake.script("/v3/municipality", Reply(status, {"detail": "no"}))

    with pytest.raises(KoladaError, match=f"HTTP {status}"):
        KoladaClient().municipalities()
    assert len(fake.requests) == 1


def test_a_timeout_is_retried(fake):
    fake.add_municipality("0114", "Upplands Väsby")
    fake.script("/v3/municipality", Reply(200, {"values": [], "count": 0, "next_url": None}, delay=1.0))

    assert len(KoladaClient(timeout=0.2).municipalities()) == 1
    assert len(fake.requests) == 2


def test_timeouts_every_time_raise(fake):
    fake.script("/v3/municipality", *[Reply(200, {}, delay=0.5)] * 4)

    with pytest.raises(KoladaError, match="timeout"):
        KoladaClient(timeout=0.1).municipalities()


def test_malformed_json_raises_a_clear_error(fake):
    fake.script("/v3/municipality", Reply(200, b'{"values": [{"id": "0114",'))

    with pytest.raises(KoladaError, match="malformed JSON"):
        KoladaClient().municipalities()
    assert len(fake.requests) == 1


def test_an_answer_without_values_is_an_error(fake):
    fake.script("/v3/municipality", Reply(200, {"error": "This endpoint is deprecated. Please use /v3 instead."}))

    with pytest.raises(KoladaError, match="without a list of values"):
        KoladaClient().municipalities()


def test_connection_refused_is_retried_then_raises(settings, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(kolada, "sleep", lambda seconds: None)
    client = KoladaClient(f"http://127.0.0.1:{port}/v3", requests_per_second=1000)

    with pytest.raises(KoladaError, match="4 times"):
        client.municipalities()
    assert client.requests == 4


def test_only_http_addresses_are_opened():
    with pytest.raises(KoladaError, match="not an http"):
        KoladaClient("file:///etc").municipalities()


def test_requests_are_throttled(fake):
    fake.add_municipality("0114", "Upplands Väsby")
    client = KoladaClient(requests_per_second=2)

    client.municipalities()
    client.municipalities()

    assert fake.sleeps and 0 < fake.sleeps[-1] <= 0.5
