"""Who may open which page: every URL name of the project -> its access class (the expected outcome per actor).

A developer who adds a view adds a row here (tests/test_authorization_matrix.py fails until then),
and if the view takes a new URL keyword, a value for it in tests/authz/kwargs.py.

Outcomes (see tests/authz/matrix.py): "200", "403", "404", "405", "login" (redirect to the login
page) and "302" (any other redirect). The project's conventions, as the views implement them:

- anonymous on a page that needs an account: redirect to the login page;
- a user without the role the page needs (a representative on a lead's page, a lead on a finance
  page, staff on a representative's page): 403;
- the right role but another organiser's / another municipality's object: 404, so that nobody
  learns that it exists;
- a POST-only view refuses GET with 405: before anything else when ``require_POST`` is the outer
  decorator (POST_ONLY), or after the role check when the role decorator is outside (``post(...)``),
  in which case another organiser's lead gets 405 too (no object is looked up for a GET).
"""

from __future__ import annotations

ACTORS = (
    "anonymous",
    "rep_a",  # representative of municipality A (member of X, applied to X)
    "rep_b",  # representative of municipality B (member of Y at O2)
    "participant",  # A's participant, by the signed personal link (only on SIGNED_LINK pages)
    "participant_b",  # B's participant with their own valid link (only on SIGNED_LINK pages)
    "lead_x",  # network lead at O1 (X's organiser)
    "lead_y",  # network lead at O2
    "finance_o1",
    "finance_o2",
    "admin_o1",  # organiser administrator at O1: a lead and finance there, and more
    "superuser",
)
# Without a link the participant is anonymous: on every other page they are not requested again.
LINK_ACTORS = ("participant", "participant_b")
STAFF = ("lead_x", "lead_y", "finance_o1", "finance_o2", "admin_o1", "superuser")


def _cls(default: str, **outcomes: str) -> dict[str, str]:
    table = {actor: default for actor in ACTORS if actor not in LINK_ACTORS}
    unknown = set(outcomes) - set(table)
    assert not unknown, unknown
    table.update(outcomes)
    return table


def _signed_link(**outcomes: str) -> dict[str, str]:
    # Everyone else holds a tampered link: it looks like an unknown one (404).
    table = dict.fromkeys(ACTORS, "404")
    table.update(outcomes)
    return table


def with_outcome(base: dict[str, str], **outcomes: str) -> dict[str, str]:
    return {**base, **outcomes}


def post(base: dict[str, str]) -> dict[str, str]:
    """A POST-only view behind a role decorator: whoever passes the role check gets 405 for a GET."""
    return {actor: "405" if outcome in ("200", "404") else outcome for actor, outcome in base.items()}


def redirects(base: dict[str, str]) -> dict[str, str]:
    """Those let in are sent on (302), e.g. a GET of an action that has nothing to show."""
    return {actor: "302" if outcome == "200" else outcome for actor, outcome in base.items()}


PUBLIC = _cls("200")
POST_ONLY = _cls("405")
LOGIN_ANY = _cls("200", anonymous="login")
ANONYMOUS_ONLY = _cls("302", anonymous="200")  # login / sign-up: a logged-in user is sent home
# Representative pages without an object: any municipality's representative; staff (superuser too) 403.
REP_ANY = _cls("403", anonymous="login", rep_a="200", rep_b="200")
# A's object: B's representative 404.
REP_OWN = _cls("403", anonymous="login", rep_a="200", rep_b="404")
# Any staff role at any organiser (shared reference data: the municipality register, Kolada syncs).
STAFF_ANY = _cls("200", anonymous="login", rep_a="403", rep_b="403")
STAFF_OWN = with_outcome(STAFF_ANY, lead_y="404", finance_o2="404")
# Network leads (and administrators) of any organiser; finance and representatives 403.
LEAD_ANY = _cls("403", anonymous="login", lead_x="200", lead_y="200", admin_o1="200", superuser="200")
LEAD_OWN = with_outcome(LEAD_ANY, lead_y="404")
FINANCE_ANY = _cls("403", anonymous="login", finance_o1="200", finance_o2="200", admin_o1="200", superuser="200")
FINANCE_OWN = with_outcome(FINANCE_ANY, finance_o2="404")
# Organiser administrators (of any organiser) and the superuser.
ADMINISTRATOR = _cls("403", anonymous="login", admin_o1="200", superuser="200")
SUPERUSER = _cls("403", anonymous="login", superuser="200")
# An application (and its attachments, versions, receipt): its municipality and its network's leads.
APPLICATION_READER = _cls("404", anonymous="login", rep_a="200", lead_x="200", admin_o1="200", superuser="200")
# A municipality's efficiency profile: its own representative and every staff member (Kolada's public
# figures); another municipality's representative 403 (the project's choice, not 404).
MUNICIPALITY_PROFILE = with_outcome(STAFF_ANY, rep_a="200", rep_b="403")
# The signed personal link of A's participant; B's participant with their own link sees their own page.
SIGNED_LINK = _signed_link(participant="200", participant_b="200")
# ... and an object of A's in the URL: B's participant (own valid link) 404.
SIGNED_LINK_OBJECT = _signed_link(participant="200")
# A secret address (calendar feed, seminar sign-up's cancel link): whoever holds it, as for a capability.
CAPABILITY = PUBLIC

# The whole project. Keep the order of the URL configuration.
EXPECTED: dict[str, dict[str, str]] = {
    "healthz": PUBLIC,
    "ping": PUBLIC,  # the benchmarks' bare view: "ok", no data
    # --- accounts ----------------------------------------------------------------------------
    "accounts:profile": LOGIN_ANY,
    # Linking representatives to municipalities is done by any organiser's leads (the requests are not
    # organiser data): deliberately LEAD_ANY.
    "accounts:representatives": LEAD_ANY,
    "accounts:representative_approve": POST_ONLY,
    "accounts:representative_reject": POST_ONLY,
    "accounts:representative_unlink": POST_ONLY,
    # --- allauth (its own conventions) -----------------------------------------------------------
    "account_login": ANONYMOUS_ONLY,
    "account_logout": _cls("200", anonymous="302"),
    "account_inactive": PUBLIC,
    "account_signup": ANONYMOUS_ONLY,
    "account_reauthenticate": LOGIN_ANY,
    "account_email": LOGIN_ANY,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": LOGIN_ANY,
    "account_set_password": _cls("302", anonymous="login"),  # has a password: sent to change it
    "account_reset_password": PUBLIC,
    "account_confirm_login_code": _cls("302", anonymous="login"),  # no login code pending
    "account_confirm_email": PUBLIC,  # an unknown key: the page says so
    "account_reset_password_from_key_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,  # an unknown key: the page says so
    "account_reset_password_done": PUBLIC,
    "mfa_index": LOGIN_ANY,
    "mfa_authenticate": _cls("302", anonymous="login"),  # no login in progress
    "mfa_reauthenticate": _cls("302", anonymous="login"),  # no MFA: reauthenticate with the password
    "mfa_activate_totp": _cls("302", anonymous="login"),  # asks to reauthenticate first
    "mfa_deactivate_totp": _cls("404", anonymous="login"),  # no TOTP to deactivate
    "mfa_view_recovery_codes": _cls("404", anonymous="login"),
    "mfa_generate_recovery_codes": _cls("302", anonymous="login"),
    "mfa_download_recovery_codes": _cls("404", anonymous="login"),
    # --- municipalities ------------------------------------------------------------------------
    "municipalities:list": STAFF_ANY,
    "municipalities:mine": REP_ANY,
    # The register is shared by all organisers: its import is for administrators of any organiser.
    "municipalities:import": ADMINISTRATOR,
    "municipalities:import_preview": ADMINISTRATOR,
    "municipalities:import_apply": post(ADMINISTRATOR),
    "municipalities:import_cancel": post(ADMINISTRATOR),
    # Political majorities are public facts of the shared register: any organiser's leads keep them.
    "municipalities:majority_import": LEAD_ANY,
    "municipalities:majority_import_preview": LEAD_ANY,
    "municipalities:majority_import_apply": post(LEAD_ANY),
    "municipalities:majority_import_cancel": post(LEAD_ANY),
    "municipalities:majority_edit": LEAD_ANY,
    "municipalities:efficiency": MUNICIPALITY_PROFILE,
    "municipalities:kolada_syncs": STAFF_ANY,
    "municipalities:detail": STAFF_ANY,
    # --- organisers and networks ---------------------------------------------------------------
    "networks:organizer_list": STAFF_ANY,  # the list shows only the user's organisers (SCOPED_LISTS)
    "networks:organizer_detail": STAFF_OWN,
    "leads:network_list": LEAD_ANY,
    "leads:network_create": LEAD_ANY,
    "leads:network_overview": LEAD_OWN,
    "leads:network_edit": LEAD_OWN,
    "leads:network_preview": LEAD_OWN,
    "leads:network_status": POST_ONLY,
    "leads:members": LEAD_OWN,
    "leads:member_detail": LEAD_OWN,
    "leads:member_leave": POST_ONLY,
    # --- reviews and selection -----------------------------------------------------------------
    "reviews:list": LEAD_OWN,
    "reviews:export_xlsx": LEAD_OWN,
    "reviews:export_csv": LEAD_OWN,
    "reviews:detail": LEAD_OWN,
    "reviews:score": LEAD_OWN,
    "selection:rules": LEAD_OWN,
    "selection:rules_reset": post(LEAD_OWN),
    "selection:workbench": LEAD_OWN,
    "selection:run": post(LEAD_OWN),
    "selection:accept_all": post(LEAD_OWN),
    "selection:use_proposal": post(LEAD_OWN),
    "selection:lock": post(LEAD_OWN),
    "selection:decide": LEAD_OWN,
    "selection:publish": LEAD_OWN,
    "selection:offer_withdraw": post(LEAD_OWN),
    "selection:offer_next": post(LEAD_OWN),
    "selection:runs": LEAD_OWN,
    "selection:report": LEAD_OWN,
    # --- meetings ------------------------------------------------------------------------------
    "meetings:timetable": LEAD_OWN,
    "meetings:meeting_create": LEAD_OWN,
    "meetings:shift": POST_ONLY,
    "meetings:copy": LEAD_OWN,
    "meetings:meeting_edit": LEAD_OWN,
    "meetings:meeting_cancel": POST_ONLY,
    "meetings:meeting_delete": LEAD_OWN,  # GET: the confirmation page
    "meetings:invite": POST_ONLY,
    "meetings:attendance": LEAD_OWN,
    "meetings:attendance_list": LEAD_OWN,
    # One meeting's .ics by its random uid, for meetings of published networks only (X is open).
    "calendar:meeting": PUBLIC,
    "calendar:network_feeds": LEAD_OWN,
    "calendar:feed": CAPABILITY,
    "efficiency_models:list": LEAD_ANY,  # lists only the user's organisers' models (SCOPED_LISTS)
    "efficiency_models:create": LEAD_ANY,
    "efficiency_models:detail": LEAD_OWN,
    "efficiency_models:edit": LEAD_OWN,
    "efficiency_models:delete": LEAD_OWN,
    # --- applications (representatives) ----------------------------------------------------------
    "applications:apply": REP_ANY,  # X is open: B may apply too
    "applications:mine": REP_ANY,
    "applications:detail": APPLICATION_READER,
    "applications:withdraw": REP_OWN,  # GET: the confirmation page
    "applications:offer": REP_OWN,
    "applications:version_diff": APPLICATION_READER,
    "applications:attachment": APPLICATION_READER,
    # --- memberships (representatives) -----------------------------------------------------------
    "members:list": REP_ANY,
    "members:detail": REP_OWN,
    "members:participants": POST_ONLY,
    "members:commitments": POST_ONLY,
    "members:invoice": POST_ONLY,
    # --- participants' signed links ---------------------------------------------------------------
    "participant:home": SIGNED_LINK,
    "participant:respond": SIGNED_LINK_OBJECT,
    # --- homework ----------------------------------------------------------------------------------
    "homework:lead_overview": LEAD_OWN,
    "homework:lead_submission": LEAD_OWN,
    "homework:lead_receive": POST_ONLY,
    "homework:lead_file": LEAD_OWN,
    "homework:member_list": REP_OWN,
    "homework:member_hand_in": REP_OWN,
    "homework:member_file": REP_OWN,
    "homework:participant_list": SIGNED_LINK,
    "homework:participant_hand_in": SIGNED_LINK_OBJECT,
    "homework:participant_file": SIGNED_LINK_OBJECT,
    # --- evaluations -------------------------------------------------------------------------------
    "evaluations:network": LEAD_OWN,
    "evaluations:questions": LEAD_OWN,
    "evaluations:create": LEAD_OWN,
    "evaluations:survey": LEAD_OWN,
    "evaluations:meeting": redirects(LEAD_OWN),  # the meeting has its survey: sent to it
    "evaluations:answer": SIGNED_LINK_OBJECT,
    # --- open seminars -------------------------------------------------------------------------------
    "seminars:register": PUBLIC,  # a public final seminar of an open network
    "seminars:registered": _cls("302"),  # nobody signed up in this session: back to the form
    "seminars:cancel": CAPABILITY,
    "seminars:registrations": LEAD_OWN,
    "seminars:registrations_csv": LEAD_OWN,
    # --- outreach and follow-up ----------------------------------------------------------------------
    "outreach:message": LEAD_OWN,
    "outreach:claim_account": SIGNED_LINK,
    "outreach:my_meetings": LOGIN_ANY,  # the user's own meetings (by their e-mail address)
    "followup:network": LEAD_OWN,
    "followup:member": LEAD_OWN,
    "followup:commitment_received": POST_ONLY,
    "followup:note_add": POST_ONLY,
    "followup:note_delete": POST_ONLY,
    "followup:revoke_links": POST_ONLY,
    "followup:send_link": POST_ONLY,
    # --- reports ---------------------------------------------------------------------------------------
    "reports:receipt_pdf": APPLICATION_READER,
    "reports:selection_report_pdf": LEAD_OWN,
    "reports:contacts": LEAD_OWN,
    "reports:contacts_pdf": LEAD_OWN,
    "reports:attendance_pdf": LEAD_OWN,
    "reports:profile_pdf": MUNICIPALITY_PROFILE,
    "reports:final_report": LEAD_OWN,
    "reports:documents": LEAD_OWN,
    "reports:document_request": post(LEAD_OWN),
    "reports:document_status": LEAD_OWN,
    "reports:document_download": LEAD_OWN,
    # --- billing ---------------------------------------------------------------------------------------
    "fees:schedule": LEAD_OWN,
    "fees:bases": LEAD_OWN,
    "fees:confirm_basis": post(LEAD_OWN),
    "fees:due": FINANCE_ANY,  # each sees their organisers' due installments only (SCOPED_LISTS)
    "invoices:list": FINANCE_ANY,
    "invoices:detail": FINANCE_OWN,
    "invoices:pdf": FINANCE_OWN,
    "invoices:credit": FINANCE_OWN,  # GET: the form to credit the issued invoice
    "invoices:municipality_list": REP_ANY,
    "invoices:municipality_pdf": REP_OWN,
    "batches:list": FINANCE_ANY,
    "batches:create": post(FINANCE_ANY),
    "batches:detail": FINANCE_OWN,
    "batches:approve": post(FINANCE_OWN),
    "batches:discard": post(FINANCE_OWN),
    "batches:send": post(FINANCE_OWN),
    "batches:export": redirects(FINANCE_OWN),  # a draft batch: back to it (approve first)
    "batches:remove_invoice": post(FINANCE_OWN),
    "batches:retry": post(FINANCE_OWN),
    "payments:overview": FINANCE_ANY,
    "payments:register": post(FINANCE_ANY),
    "payments:bgmax_import": post(FINANCE_ANY),
    "payments:bgmax_detail": FINANCE_OWN,
    "payments:assign": post(FINANCE_OWN),
    # --- administration, personal data, portal ----------------------------------------------------------
    "audit:list": ADMINISTRATOR,  # an organiser administrator sees their organiser's history only
    "audit:object": ADMINISTRATOR,  # X's history; another organiser's object is 404 (IDOR_CASES)
    "privacy:information": PUBLIC,
    "privacy:administration": SUPERUSER,
    "privacy:person": SUPERUSER,
    "privacy:export": SUPERUSER,
    "privacy:erase": SUPERUSER,  # GET: the confirmation page
    "portal:home": PUBLIC,
    "portal:accessibility": PUBLIC,
    "portal:catalogue": PUBLIC,
    "portal:invitation": PUBLIC,  # X is open for applications
    "portal:invitation_pdf": PUBLIC,
}

# URLs whose keyword ``token`` is the participant's signed personal link (the rest hold other secrets).
SIGNED_LINK_URLS = {name for name, table in EXPECTED.items() if "participant" in table}

# Lists that every actor of a role may open, but that must show only the actor's own organisers' or
# municipality's rows: url name -> (owner, outsider, a text only the owner's list shows).
SCOPED_LISTS = {
    "leads:network_list": ("lead_x", "lead_y", "Nätverk X"),
    "efficiency_models:list": ("lead_x", "lead_y", "Grundskola X"),
    "networks:organizer_list": ("finance_o1", "finance_o2", "Arrangör Ett"),
    "invoices:list": ("finance_o1", "finance_o2", "Upplands Väsby"),
    "batches:list": ("finance_o1", "finance_o2", "Underlag X"),
    "payments:overview": ("finance_o1", "finance_o2", "bgmax-o1.txt"),
    "members:list": ("rep_a", "rep_b", "Nätverk X"),
    "applications:mine": ("rep_a", "rep_b", "Nätverk X"),
    "invoices:municipality_list": ("rep_a", "rep_b", "Nätverk X"),
    "fees:due": ("finance_o1", "finance_o2", "Nätverk X"),
    # A form whose organiser choice must offer only the user's own organisers. (Not leads:network_create:
    # any organiser may be chosen as a co-organiser there, by design; organisers are public.)
    "efficiency_models:create": ("lead_x", "lead_y", "Arrangör Ett"),
    # The history of every organiser for the superuser; O1's administrator must not see O2's network.
    "audit:list": ("superuser", "admin_o1", "Nätverk Y"),
}
