"""Key figures beside the problem description: shown, referenced, snapshotted at submit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import ApplicationVersion
from municipalities.models import Kpi, KpiValue
from tests.applications.test_apply_flow import apply_url, form_data, make_network
from tests.factories import ApplicationFactory, municipality, representative

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eager_tasks():
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def network():
    return make_network(requires_problem_description=True)


@pytest.fixture
def rep():
    return representative("0114", name="Rita Representant", email="rita@vasby.example.se")


@pytest.fixture
def kpi():
    kpi = Kpi.objects.get(id="U11901")
    kpi.followed = True
    kpi.save()
    KpiValue.objects.create(kpi=kpi, municipality=municipality("0114"), year=2024, gender="T", value=55.0)
    return kpi


def more_kpis(count):
    kpis = []
    for i in range(count):
        kpi, _ = Kpi.objects.update_or_create(id=f"ZT{i:04d}", defaults={"title": f"Testtal {i}", "followed": True})
        KpiValue.objects.create(kpi=kpi, municipality=municipality("0114"), year=2023, gender="T", value=10.0 + i)
        kpis.append(kpi)
    return kpis


def test_table_shows_when_problem_description_required(client, network, rep, kpi):
    client.force_login(rep)
    response = client.get(apply_url(network))
    html = response.content.decode()
    assert 'id="key-figures"' in html
    assert 'value="U11901"' in html
    assert f'<label for="id_referenced_kpis_0">{kpi.title}</label>' in html
    assert "Källa: Kolada" in html


def test_table_hidden_without_problem_description(client, rep, kpi):
    network = make_network(requires_problem_description=False)
    client.force_login(rep)
    html = client.get(apply_url(network)).content.decode()
    assert 'id="key-figures"' not in html
    assert 'value="U11901"' not in html


def test_demo_value_shows_badge_not_source(client, network, rep, kpi):
    KpiValue.objects.filter(kpi=kpi).update(is_demo=True)
    client.force_login(rep)
    html = client.get(apply_url(network)).content.decode()
    assert "demodata" in html
    assert "Källa: Kolada" not in html


def test_save_draft_stores_referenced_kpis(client, network, rep, kpi):
    client.force_login(rep)
    response = client.post(apply_url(network), form_data(network, referenced_kpis=["U11901"]))
    assert response.status_code == 302
    application = network.applications.get()
    assert list(application.referenced_kpis.values_list("pk", flat=True)) == ["U11901"]
    html = client.get(apply_url(network)).content.decode()
    checkbox = html.split('value="U11901"')[1].split(">")[0]
    assert "checked" in checkbox
    # Saving again without ticks removes the reference.
    client.post(apply_url(network), form_data(network, application))
    assert not application.referenced_kpis.exists()


def test_submit_snapshots_values_and_later_sync_does_not_change_them(client, network, rep, kpi):
    client.force_login(rep)
    response = client.post(apply_url(network), form_data(network, action="submit", referenced_kpis=["U11901"]))
    assert response.status_code == 302
    version = ApplicationVersion.objects.get()
    assert version.data["key_figures"] == [
        {"kpi": "U11901", "title": kpi.title, "year": 2024, "value": 55.0, "is_demo": False}
    ]
    KpiValue.objects.filter(kpi=kpi).update(value=99.0)
    KpiValue.objects.create(kpi=kpi, municipality=municipality("0114"), year=2025, gender="T", value=12.0)
    version.refresh_from_db()
    assert version.data["key_figures"][0]["value"] == 55.0
    assert version.data["key_figures"][0]["year"] == 2024
    # A sync is not an unsubmitted change.
    html = client.get(apply_url(network)).content.decode()
    assert "There are saved changes that have not been submitted" not in html


def test_snapshot_rendered_and_diffed(client, network, rep, kpi):
    from django.urls import reverse

    from applications.services import version_diff

    client.force_login(rep)
    client.post(apply_url(network), form_data(network, action="submit", referenced_kpis=["U11901"]))
    application = network.applications.get()
    html = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert 'id="s-key-figures"' in html
    assert kpi.title in html
    first = ApplicationVersion.objects.get().data
    changes = version_diff(first, {**first, "key_figures": []})
    assert len(changes) == 1
    assert changes[0].new == ""
    assert kpi.title in changes[0].old


@pytest.mark.parametrize("bad", ["NOPE999", "not-followed"])
def test_tampered_ids_give_form_error(client, network, rep, kpi, bad):
    if bad == "not-followed":
        Kpi.objects.create(id="ZN0001", title="Inte följt", followed=False)
        bad = "ZN0001"
    client.force_login(rep)
    response = client.post(apply_url(network), form_data(network, referenced_kpis=["U11901", bad]))
    assert response.status_code == 200
    assert response.context["form"].errors["referenced_kpis"]
    assert not network.applications.exists() or not network.applications.get().referenced_kpis.exists()


def test_query_count_constant_with_more_references(client, network, rep, kpi):
    extra = more_kpis(4)
    client.force_login(rep)
    application = ApplicationFactory(network=network, created_by=rep)
    application.referenced_kpis.set([kpi])
    with CaptureQueriesContext(connection) as one:
        assert client.get(apply_url(network)).status_code == 200
    application.referenced_kpis.set([kpi, *extra])
    with CaptureQueriesContext(connection) as five:
        assert client.get(apply_url(network)).status_code == 200
    assert len(five) == len(one)
    # And with a submitted version (the snapshot is computed for the comparison).
    client.post(apply_url(network), form_data(network, application, action="submit", referenced_kpis=["U11901"]))
    with CaptureQueriesContext(connection) as one_submitted:
        assert client.get(apply_url(network)).status_code == 200
    client.post(
        apply_url(network),
        form_data(network, application, action="save", referenced_kpis=["U11901", *[k.pk for k in extra]]),
    )
    with CaptureQueriesContext(connection) as five_submitted:
        assert client.get(apply_url(network)).status_code == 200
    assert len(five_submitted) == len(one_submitted)
