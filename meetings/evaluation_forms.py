"""Forms for evaluations: the network's questions, a standalone survey, and a participant's answer.

Forms only validate and convert; the rules (who, when, open or closed) are in meetings.evaluations.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings import evaluations
from meetings.forms import DATE_INPUT
from networks.forms import validate_not_formula

DATE_MAX_LENGTH = 30


def _question(label, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=evaluations.QUESTION_MAX_LENGTH,
        validators=[validate_not_formula],
        error_messages={"required": _("Enter the question.")},
        **kwargs,
    )


class QuestionsFields(forms.Form):
    question_1 = _question(_("Question 1 (scale 1–10)"))
    question_2 = _question(_("Question 2 (scale 1–10)"))
    question_3 = _question(_("Question 3 (scale 1–10)"))
    free_text_question = _question(_("Free-text question"))

    def clean(self):
        cleaned = super().clean()
        for name in evaluations.QUESTION_FIELDS:
            if cleaned.get(name):
                cleaned[name] = " ".join(cleaned[name].split())
        return cleaned


class QuestionsForm(QuestionsFields):
    """The network's questions, used for each new survey."""

    after_meetings = forms.BooleanField(
        label=_("Send a survey after each meeting"),
        required=False,
        help_text=_("Those who attended get the survey by e-mail the day after the meeting."),
    )

    @classmethod
    def initial_for(cls, questions: evaluations.Questions) -> dict:
        return {**questions.as_dict(), "after_meetings": questions.after_meetings}


class DayField(forms.DateField):
    """A date; text longer than any date is refused before parsing."""

    def to_python(self, value):
        if isinstance(value, str) and len(value) > DATE_MAX_LENGTH:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class StandaloneSurveyForm(QuestionsFields):
    """A survey to every participant of the network (e.g. the yearly NKI)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=evaluations.TITLE_MAX_LENGTH,
        validators=[validate_not_formula],
        help_text=_("E.g. “Yearly evaluation 2025”. The participants see it in the e-mail."),
        error_messages={"required": _("Enter a title.")},
    )
    closes_on = DayField(
        label=_("Last day to answer"),
        widget=DATE_INPUT,
        error_messages={
            "required": _("Enter the last day to answer."),
            "invalid": _("Enter a date such as 2025-06-15."),
        },
    )

    field_order = ["title", "closes_on", *evaluations.QUESTION_FIELDS]

    def clean_closes_on(self):
        day = self.cleaned_data["closes_on"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("The last day must be after today."), code="past")
        if day > today + timedelta(days=evaluations.STANDALONE_MAX_DAYS):
            raise forms.ValidationError(_("The survey may stay open for at most a year."), code="too_late")
        return day

    def questions(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in evaluations.QUESTION_FIELDS}


SCORE_CHOICES = [(score, str(score)) for score in evaluations.SCALE]


class AnswerForm(forms.Form):
    """Three scores from 1 to 10 and an optional comment; the labels are the survey's questions."""

    score_1 = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    score_2 = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    score_3 = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(
        required=False,
        max_length=evaluations.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": evaluations.COMMENT_MAX_LENGTH}),
        error_messages={
            "max_length": _("Keep the comment to %(limit_value)s characters (it has %(show_value)s)."),
        },
    )

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question in zip(
            evaluations.SCORE_FIELDS, [survey.question_1, survey.question_2, survey.question_3], strict=True
        ):
            field = self.fields[name]
            field.label = question
            field.error_messages["required"] = _("Choose a number from 1 to 10.")
            field.error_messages["invalid_choice"] = _("Choose a number from 1 to 10.")
        self.fields["comment"].label = survey.free_text_question

    def scores(self) -> list[int]:
        return [self.cleaned_data[name] for name in evaluations.SCORE_FIELDS]
