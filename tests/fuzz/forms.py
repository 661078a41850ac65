"""Every view that accepts POST, with who may post to it and the URL arguments of an object it is about.

``tests/fuzz/test_form_table.py`` fails when a view that accepts POST is missing here
(or in ``NOT_FUZZED`` with a reason), so a new form is fuzzed the day it is added.

Actors: anonymous; representative (of a member municipality of the running demo network);
lead (SKR's network lead); finance (SKR's finance); administrator (SKR's and RKA's);
superuser; participant links are posted anonymously with the signed token in the URL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FormCase:
    actor: str
    kwargs: Callable = field(default=lambda w: {})
    writes_on_200: bool = False  # a 200 without a form error may have written (it shows a result page)
    note: str = ""


def _slug(attr):
    return lambda w: {"slug": getattr(w, attr)}


RUNNING = _slug("running_slug")

FORMS: dict[str, FormCase] = {
    # Django and allauth
    "set_language": FormCase("anonymous"),
    "account_login": FormCase("anonymous"),
    "account_logout": FormCase("representative"),
    "account_signup": FormCase("anonymous"),
    "account_reauthenticate": FormCase("representative"),
    "account_email": FormCase("representative"),
    "account_change_password": FormCase("representative"),
    "account_set_password": FormCase("representative", note="has a password: redirects"),
    "account_reset_password": FormCase("anonymous"),
    "account_confirm_login_code": FormCase("anonymous", note="no login by code under way: redirects"),
    "account_confirm_email": FormCase("anonymous", lambda w: {"key": "MQ:1vY2bX:fuzz"}),
    "account_reset_password_from_key": FormCase("anonymous", lambda w: {"uidb36": "1", "key": "set-password"}),
    "mfa_authenticate": FormCase("anonymous", note="no login stage under way: redirects"),
    "mfa_reauthenticate": FormCase("lead"),
    "mfa_activate_totp": FormCase("lead"),
    "mfa_deactivate_totp": FormCase("lead", note="no TOTP active: redirects"),
    "mfa_generate_recovery_codes": FormCase("lead"),
    # accounts
    "accounts:profile": FormCase("representative"),
    "accounts:representatives": FormCase("lead"),
    "accounts:representative_approve": FormCase("lead"),
    "accounts:representative_reject": FormCase("lead"),
    "accounts:representative_unlink": FormCase("lead"),
    # municipalities
    "municipalities:import": FormCase("administrator"),
    "municipalities:import_apply": FormCase("administrator", lambda w: {"pk": w.register_import}),
    "municipalities:import_cancel": FormCase("administrator", lambda w: {"pk": w.register_import}),
    "municipalities:majority_import": FormCase("lead"),
    "municipalities:majority_import_apply": FormCase("lead", lambda w: {"pk": w.majority_import}),
    "municipalities:majority_import_cancel": FormCase("lead", lambda w: {"pk": w.majority_import}),
    "municipalities:majority_edit": FormCase("lead", lambda w: {"code": w.municipality_code}),
    "efficiency_models:create": FormCase("lead"),
    "efficiency_models:edit": FormCase("lead", lambda w: {"pk": w.efficiency_model}),
    "efficiency_models:delete": FormCase("lead", lambda w: {"pk": w.efficiency_model}),
    # networks (lead)
    "leads:network_create": FormCase("lead"),
    "leads:network_edit": FormCase("lead", _slug("open_slug")),
    "leads:network_status": FormCase("lead", _slug("open_slug")),
    "leads:members": FormCase("lead", RUNNING),
    "leads:member_leave": FormCase("lead", lambda w: {"slug": w.running_slug, "pk": w.member}),
    # applications: review and selection (lead)
    "reviews:detail": FormCase("lead", lambda w: {"slug": w.selection_slug, "pk": w.application}),
    "reviews:score": FormCase("lead", lambda w: {"slug": w.selection_slug, "pk": w.application}),
    "selection:rules": FormCase("lead", _slug("selection_slug")),
    "selection:rules_reset": FormCase("lead", _slug("selection_slug")),
    "selection:run": FormCase("lead", _slug("selection_slug")),
    "selection:accept_all": FormCase("lead", _slug("selection_slug")),
    "selection:use_proposal": FormCase("lead", _slug("selection_slug")),
    "selection:lock": FormCase("lead", lambda w: {"slug": w.selection_slug, "pk": w.application}),
    "selection:decide": FormCase("lead", lambda w: {"slug": w.selection_slug, "pk": w.application}),
    "selection:publish": FormCase("lead", _slug("selection_slug")),
    "selection:offer_withdraw": FormCase("lead", lambda w: {"slug": w.offer_slug, "offer_pk": w.offer}),
    "selection:offer_next": FormCase("lead", RUNNING),
    # applications (representative)
    "applications:apply": FormCase("representative", _slug("open_slug")),
    "applications:withdraw": FormCase("representative", lambda w: {"pk": w.own_application}),
    "applications:offer": FormCase("representative", lambda w: {"pk": w.offer_application, "offer_pk": w.offer}),
    # memberships (representative)
    "members:participants": FormCase("representative", lambda w: {"pk": w.member}),
    "members:commitments": FormCase("representative", lambda w: {"pk": w.member}),
    "members:invoice": FormCase("representative", lambda w: {"pk": w.member}),
    # meetings (lead)
    "meetings:timetable": FormCase("lead", RUNNING),
    "meetings:meeting_create": FormCase("lead", RUNNING),
    "meetings:shift": FormCase("lead", RUNNING),
    "meetings:copy": FormCase("lead", RUNNING),
    "meetings:meeting_edit": FormCase("lead", lambda w: {"slug": w.running_slug, "pk": w.meeting}),
    "meetings:meeting_cancel": FormCase("lead", lambda w: {"slug": w.running_slug, "pk": w.meeting}),
    "meetings:meeting_delete": FormCase("lead", lambda w: {"slug": w.running_slug, "pk": w.meeting}),
    "meetings:invite": FormCase("lead", lambda w: {"slug": w.running_slug, "pk": w.meeting}),
    "meetings:attendance": FormCase("lead", lambda w: {"slug": w.running_slug, "pk": w.meeting}),
    "calendar:network_feeds": FormCase("lead", RUNNING),
    "homework:lead_receive": FormCase("lead", lambda w: {"slug": w.homework_network, "pk": w.submission}),
    "evaluations:questions": FormCase("lead", RUNNING),
    "evaluations:create": FormCase("lead", RUNNING),
    "evaluations:meeting": FormCase("lead", lambda w: {"slug": w.running_slug, "meeting_pk": w.meeting}),
    "seminars:registrations": FormCase("lead", lambda w: {"slug": w.seminar_slug, "pk": w.seminar}),
    "outreach:message": FormCase("lead", lambda w: {"slug": w.running_slug, "pk": w.meeting}),
    "followup:commitment_received": FormCase(
        "lead", lambda w: {"slug": w.running_slug, "pk": w.member, "mc_pk": w.commitment}
    ),
    "followup:note_add": FormCase("lead", lambda w: {"slug": w.running_slug, "pk": w.member}),
    "followup:note_delete": FormCase("lead", lambda w: {"slug": w.running_slug, "pk": w.member, "note_pk": w.note}),
    "followup:revoke_links": FormCase(
        "lead", lambda w: {"slug": w.running_slug, "pk": w.member, "participant_pk": w.participant}
    ),
    "followup:send_link": FormCase(
        "lead", lambda w: {"slug": w.running_slug, "pk": w.member, "participant_pk": w.participant}
    ),
    # meetings (representative, participant links, the public)
    "homework:member_hand_in": FormCase(
        "representative", lambda w: {"membership_pk": w.member, "homework_pk": w.homework}
    ),
    "participant:respond": FormCase("anonymous", lambda w: {"token": w.token, "invitation_pk": w.invitation}),
    "homework:participant_hand_in": FormCase("anonymous", lambda w: {"token": w.token, "homework_pk": w.homework}),
    "evaluations:answer": FormCase("anonymous", lambda w: {"token": w.token, "survey_pk": w.survey}),
    "outreach:claim_account": FormCase(
        "anonymous", lambda w: {"token": w.token}, writes_on_200=True, note="creates the account and says so (200)"
    ),
    "seminars:register": FormCase("anonymous", lambda w: {"slug": w.seminar_slug, "uid": w.seminar_uid}),
    "seminars:cancel": FormCase("anonymous", lambda w: {"token": w.registration_token}),
    # reports (lead)
    "reports:final_report": FormCase("lead", _slug("finished_slug")),
    "reports:document_request": FormCase("lead", lambda w: {"slug": w.finished_slug, "kind": "network_pack"}),
    # billing
    "fees:schedule": FormCase("lead", RUNNING),
    "fees:confirm_basis": FormCase("lead", lambda w: {"slug": w.running_slug, "pk": w.fee_basis}),
    "invoices:credit": FormCase("finance", lambda w: {"pk": w.invoice}),
    "batches:create": FormCase("finance"),
    "batches:approve": FormCase("finance", lambda w: {"pk": w.batch}),
    "batches:discard": FormCase("finance", lambda w: {"pk": w.batch}),
    "batches:send": FormCase("finance", lambda w: {"pk": w.batch}),
    "batches:remove_invoice": FormCase("finance", lambda w: {"pk": w.batch, "invoice_pk": w.batch_invoice}),
    "batches:retry": FormCase("finance", lambda w: {"pk": w.batch, "invoice_pk": w.batch_invoice}),
    "payments:register": FormCase("finance"),
    "payments:bgmax_import": FormCase("finance"),
    "payments:assign": FormCase("finance", lambda w: {"pk": w.payment}),
    # administration (other parts of issue 9)
    "privacy:erase": FormCase("superuser", lambda w: {"key": w.person_key}),
}

# Views that accept POST but are not fuzzed here, each with the reason.
NOT_FUZZED: dict[str, str] = {}
