"""The values of the URL keywords in the world: objects of municipality A, network X and organiser O1."""

from __future__ import annotations

# URL name -> {keyword: world object name, or a literal prefixed with "="}, for the keywords whose
# meaning depends on the URL (``pk`` above all). Other keywords take DEFAULTS.
PER_URL = {
    "municipalities:import_preview": {"pk": "register_import"},
    "municipalities:import_apply": {"pk": "register_import"},
    "municipalities:import_cancel": {"pk": "register_import"},
    "municipalities:majority_import_preview": {"pk": "majority_import"},
    "municipalities:majority_import_apply": {"pk": "majority_import"},
    "municipalities:majority_import_cancel": {"pk": "majority_import"},
    "networks:organizer_detail": {"slug": "O1"},
    "leads:member_detail": {"pk": "membership"},
    "leads:member_leave": {"pk": "membership"},
    "reviews:detail": {"pk": "application"},
    "reviews:score": {"pk": "application"},
    "selection:lock": {"pk": "application"},
    "selection:decide": {"pk": "application"},
    "selection:offer_withdraw": {"slug": "X2"},
    "meetings:meeting_edit": {"pk": "meeting"},
    "meetings:meeting_cancel": {"pk": "meeting"},
    "meetings:meeting_delete": {"pk": "meeting"},
    "meetings:invite": {"pk": "meeting"},
    "meetings:attendance": {"pk": "meeting"},
    "meetings:attendance_list": {"pk": "meeting"},
    "calendar:meeting": {"uid": "meeting"},
    "calendar:feed": {"token": "calendar_feed"},
    "efficiency_models:detail": {"pk": "efficiency_model"},
    "efficiency_models:edit": {"pk": "efficiency_model"},
    "efficiency_models:delete": {"pk": "efficiency_model"},
    "applications:detail": {"pk": "application"},
    "applications:withdraw": {"pk": "application"},
    "applications:offer": {"pk": "offer_application"},
    "applications:version_diff": {"pk": "application"},
    "applications:attachment": {"pk": "application", "token": "attachment"},
    "members:detail": {"pk": "membership"},
    "members:participants": {"pk": "membership"},
    "members:commitments": {"pk": "membership"},
    "members:invoice": {"pk": "membership"},
    "homework:lead_submission": {"pk": "submission"},
    "homework:lead_receive": {"pk": "submission"},
    "homework:lead_file": {"pk": "submission"},
    "evaluations:survey": {"pk": "survey"},
    "seminars:register": {"uid": "seminar"},
    "seminars:registered": {"uid": "seminar"},
    "seminars:cancel": {"token": "registration"},
    "seminars:registrations": {"pk": "seminar"},
    "seminars:registrations_csv": {"pk": "seminar"},
    "outreach:message": {"pk": "meeting"},
    "followup:member": {"pk": "membership"},
    "followup:commitment_received": {"pk": "membership"},
    "followup:note_add": {"pk": "membership"},
    "followup:note_delete": {"pk": "membership"},
    "followup:revoke_links": {"pk": "membership"},
    "followup:send_link": {"pk": "membership"},
    "reports:receipt_pdf": {"pk": "application"},
    "reports:attendance_pdf": {"pk": "meeting"},
    "reports:document_status": {"pk": "document"},
    "reports:document_download": {"pk": "document"},
    "fees:confirm_basis": {"pk": "fee_basis"},
    "invoices:detail": {"pk": "invoice_issued"},
    "invoices:pdf": {"pk": "invoice_issued"},
    "invoices:credit": {"pk": "invoice_issued"},
    "invoices:municipality_pdf": {"pk": "invoice_issued"},
    "batches:detail": {"pk": "batch"},
    "batches:approve": {"pk": "batch"},
    "batches:discard": {"pk": "batch"},
    "batches:send": {"pk": "batch"},
    "batches:export": {"pk": "batch"},
    "batches:remove_invoice": {"pk": "batch"},
    "batches:retry": {"pk": "batch"},
    "payments:bgmax_detail": {"pk": "bgmax_import"},
    "payments:assign": {"pk": "payment"},
    "audit:object": {"kind": "=network", "pk": "X"},
    "account_confirm_email": {"key": "=no-such-key"},
    "account_reset_password_from_key": {"uidb36": "=1", "key": "=no-such-key"},
}

# Keyword -> world object name (or literal) wherever PER_URL does not say otherwise.
DEFAULTS = {
    "slug": "X",
    "code": "A",
    "uid": "meeting",
    "token": "@participant",  # the signed personal link (see SIGNED_LINK in the expectations)
    "invitation_pk": "invitation",
    "homework_pk": "homework",
    "survey_pk": "survey",
    "meeting_pk": "meeting",
    "membership_pk": "membership",
    "offer_pk": "offer",
    "invoice_pk": "invoice",
    "participant_pk": "participant",
    "note_pk": "note",
    "mc_pk": "membership_commitment",
    "kind": "=final_report",
    "fmt": "=xlsx",
    "key": "person",  # the privacy pages' opaque key of A's participant
}

# How an object fills a keyword: its pk unless named here.
ATTRIBUTE = {"slug": "slug", "code": "code", "uid": "uid", "token": "token", "key": "key"}


def url_kwargs(name: str, keywords, world, *, token: str) -> dict:
    """The keyword values of URL ``name`` in ``world``; ``token`` is the personal link the actor holds."""
    spec = {**DEFAULTS, **PER_URL.get(name, {})}
    values = {}
    for keyword in keywords:
        source = spec.get(keyword)
        if source is None:
            raise KeyError(f"{name}: no value for the URL keyword {keyword!r} (add it to tests/authz/kwargs.py)")
        if source == "@participant":
            values[keyword] = token
        elif source.startswith("="):
            values[keyword] = source[1:]
        else:
            obj = world.objects[source]
            values[keyword] = getattr(obj, ATTRIBUTE.get(keyword, "pk"))
    return values
