import pytest

from core.mail import send_email_once
from core.models import SentEmail

pytestmark = pytest.mark.django_db

TEMPLATE = "test_email/message"


@pytest.fixture(autouse=True)
def test_templates(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], settings.BASE_DIR / "tests" / "templates"]}
    ]


def send(key="k1", to="anna@example.se"):
    return send_email_once(key=key, to=to, template_prefix=TEMPLATE, context={"name": "Anna"})


def test_send_email_once_sends_and_records(mailoutbox):
    assert send() is True
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["anna@example.se"]
    assert SentEmail.objects.get(key="k1").recipient == "anna@example.se"


def test_send_email_once_never_sends_twice(mailoutbox):
    send()
    assert send() is False
    assert len(mailoutbox) == 1


def test_send_email_once_failed_send_can_be_retried(mailoutbox, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    with pytest.raises(ConnectionRefusedError):
        send()
    assert not SentEmail.objects.filter(key="k1").exists()
    monkeypatch.undo()
    assert send() is True
    assert len(mailoutbox) == 1


def test_send_email_once_renders_subject_text_and_html_in_swedish(mailoutbox):
    send()
    message = mailoutbox[0]
    assert message.subject == "Återställning av lösenord"  # from allauth's Swedish catalogue
    assert message.body == "Hej Anna!\n"
    assert message.alternatives[0][0] == "<p>Hej Anna!</p>\n"
