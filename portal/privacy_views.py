"""Personal data: the public information text, and the system administrator's search, register extract
(export) and erasure of one person (core.privacy)."""

import json
from itertools import groupby

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import _require, is_superuser
from core import privacy, retention

superuser_required = _require(is_superuser)


def _kinds():
    entries = sorted(privacy.entries(), key=lambda entry: (str(entry.kind_label), entry.model))
    return [
        {
            "label": label,
            "entries": [
                {
                    "entry": e,
                    "name": e.get_model()._meta.verbose_name_plural,
                    "rule": retention.get_rule(e.retention_rule) if e.retention_rule else None,
                }
                for e in group
            ],
        }
        for label, group in groupby(entries, key=lambda entry: str(entry.kind_label))
    ]


def information(request):
    return render(request, "core/privacy/information.html", {"kinds": _kinds(), "rules": retention.RULES})


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("E-mail address or name"),
        min_length=2,
        max_length=privacy.SEARCH_MAX,
        strip=True,
        error_messages={
            "min_length": _("Write at least two characters."),
            "max_length": _("Write at most %(limit_value)d characters."),
        },
    )

    def clean_q(self):
        value = self.cleaned_data["q"]
        if "\x00" in value:
            raise forms.ValidationError(_("The search contains characters that cannot be searched for."))
        return value


@superuser_required
@require_GET
@never_cache
def administration(request):
    form = SearchForm(request.GET or None)
    people = None
    if form.is_bound and form.is_valid():
        people = privacy.search(form.cleaned_data["q"])
    return render(
        request,
        "core/privacy/admin.html",
        {"form": form, "people": people, "rules": retention.RULES},
    )


def _person_or_404(key: str) -> privacy.Person:
    person = privacy.find_person(key)
    if person is None:
        raise Http404
    return person


def _grouped(findings):
    findings = sorted(findings, key=lambda f: (str(f.entry.kind_label), f.entry.model, f.historical))
    return [
        {"label": label, "findings": list(group)}
        for label, group in groupby(findings, key=lambda f: str(f.entry.kind_label))
    ]


@superuser_required
@require_GET
@never_cache
def person(request, key):
    person = _person_or_404(key)
    findings = privacy.collect(person)
    return render(
        request,
        "core/privacy/person.html",
        {"person": person, "groups": _grouped(findings), "total": sum(f.count for f in findings)},
    )


@superuser_required
@require_GET
def export(request, key):
    person = _person_or_404(key)
    data = privacy.export(person)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), content_type="application/json; charset=utf-8"
    )
    # The file name carries no personal data (it ends up in download folders and logs).
    filename = f"personuppgifter-{timezone.localdate():%Y-%m-%d}-{key[:8]}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@superuser_required
@require_http_methods(["GET", "POST"])
@never_cache
def erase(request, key):
    person = _person_or_404(key)
    if request.method == "POST":
        result = privacy.erase(person, actor=request.user)
        kept = [
            {"label": label, "count": count, "reason": reason} for label, (count, reason) in sorted(result.kept.items())
        ]
        removed = sum(result.deleted.values())
        anonymised = sum(result.anonymised.values()) + sum(result.scrubbed.values())
        messages.success(
            request,
            _("The person's data was erased: %(removed)s and %(anonymised)s.")
            % {
                "removed": ngettext("%(count)d row deleted", "%(count)d rows deleted", removed) % {"count": removed},
                "anonymised": ngettext("%(count)d row anonymised", "%(count)d rows anonymised", anonymised)
                % {"count": anonymised},
            },
        )
        for item in kept:
            messages.info(
                request,
                _("Kept: %(count)d in %(label)s. %(reason)s")
                % {"count": item["count"], "label": item["label"], "reason": item["reason"]},
            )
        return redirect("privacy:administration")
    plan = privacy.plan(person)
    return render(request, "core/privacy/erase.html", {"person": person, "plan": plan})
