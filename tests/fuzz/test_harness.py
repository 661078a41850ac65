"""The fuzzing harness itself catches what it is for: a 500, and a write by a post that was turned down."""

import pytest
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.test import Client
from django.urls import path

from networks.models import Organizer
from tests.fuzz.harness import DatabaseState, page_forms, post, run_example

pytestmark = [pytest.mark.needs_services, pytest.mark.django_db, pytest.mark.urls(__name__)]


def _organizer():
    return Organizer.objects.create(name="Fuzz", short_name="FZ", slug="fuzz-harness")


def partial_write(request):
    _organizer()
    return HttpResponseBadRequest("no")


def rolled_back_write(request):
    try:
        with transaction.atomic():
            _organizer()
            raise ValueError
    except ValueError:
        return HttpResponseBadRequest("no")


def crash(request):
    raise ValueError("boom")


def write_and_redirect(request):
    _organizer()
    return HttpResponseRedirect("/")


def echo(request):
    return HttpResponse(repr(sorted((k, request.POST.getlist(k)) for k in request.POST)))


urlpatterns = [
    path("partial/", partial_write),
    path("rolled-back/", rolled_back_write),
    path("crash/", crash),
    path("ok/", write_and_redirect),
    path("echo/", echo),
]


def _run(url):
    state = DatabaseState()
    run_example(client=Client(), url=url, payload={"a": "b"}, state=state, baseline=state.take(), writes_on_200=False)


def test_a_write_by_a_rejected_post_fails():
    with pytest.raises(AssertionError, match="turned down"):
        _run("/partial/")
    assert not Organizer.objects.filter(slug="fuzz-harness").exists()


def test_an_exception_fails():
    with pytest.raises(AssertionError, match="raised ValueError"):
        _run("/crash/")


def test_a_write_rolled_back_by_the_view_and_a_successful_write_pass():
    _run("/rolled-back/")
    _run("/ok/")
    assert not Organizer.objects.filter(slug="fuzz-harness").exists()  # every example is rolled back


def test_hostile_values_are_sent_as_is():
    response = post(Client(), "/echo/", {"a": "\x00", "b": ["1", "2"], "c": "\ud800x", "d": "😀"})
    body = response.content.decode()
    assert "('a', ['\\x00'])" in body and "('b', ['1', '2'])" in body and "😀" in body
    assert "'c', ['" in body  # a lone surrogate arrives as invalid UTF-8, decoded with replacement


def test_fields_choices_and_defaults_are_read_from_the_page():
    html = """
    <form method="get" action="/search/"><input name="q"></form>
    <form method="post" action="/save/?next=/">
      <input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="title" value="Hej">
      <input type="checkbox" name="tags" value="a" checked><input type="checkbox" name="tags" value="b">
      <select name="kind"><option value="x">X</option><option value="y" selected>Y</option></select>
      <textarea name="text">Rad</textarea>
      <input type="file" name="upload">
      <button type="submit" name="action" value="go">Go</button>
    </form>"""
    (form,) = page_forms(html, "/page/")
    assert form.action == "/save/"
    fields = form.fields
    assert set(fields) == {"title", "tags", "kind", "text", "upload", "action"}
    assert fields["tags"].choices == ["a", "b"] and fields["tags"].defaults == ["a"] and fields["tags"].multiple
    assert fields["kind"].choices == ["x", "y"] and fields["kind"].defaults == ["y"]
    assert fields["text"].defaults == ["Rad"] and fields["title"].defaults == ["Hej"]
    assert fields["upload"].kind == "file" and fields["action"].choices == ["go"]
