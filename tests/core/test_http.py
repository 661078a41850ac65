"""core.http.client_ip: the address rate limits count by."""

from django.test import RequestFactory

from core.http import client_ip


def test_behind_the_proxy_the_real_ip_header_is_used(settings):
    settings.BEHIND_TLS_PROXY = True
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP=" 192.0.2.7 ")
    assert client_ip(request) == "192.0.2.7"
    assert client_ip(RequestFactory().post("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


def test_without_a_proxy_a_visitor_cannot_choose_their_address(settings):
    settings.BEHIND_TLS_PROXY = False
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.3", HTTP_X_REAL_IP="192.0.2.7")
    assert client_ip(request) == "198.51.100.3"
