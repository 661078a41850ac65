"""Personal data held by accounts (see core.privacy)."""

from django.utils.translation import gettext_lazy as _

from core.privacy import Erase, PersonalData, register

KIND = _("Accounts")

register(
    PersonalData(
        model="accounts.User",
        fields=(
            "email",
            "name",
            "phone",
            "title",
            "municipality",
            "requested_municipality",
            "date_joined",
            "last_login",
            "is_active",
        ),
        purpose=_("Log-in and contact details of staff and municipality representatives."),
        retention=_("As long as the account is in use; erased on request."),
        subject_lookup="pk",
        user_links=(),  # municipality_linked_by points at other people's accounts
        kind=KIND,
        erase=Erase.ANONYMISE,
        # Not deleted: invoices, decisions and the audit history name the account. It is deactivated too.
        anonymise=("email", "name", "phone", "title"),
    ),
    PersonalData(
        model="accounts.StaffRole",
        fields=("organizer", "role", "created_at"),
        purpose=_("Which organiser's data a staff member may see and change."),
        retention=_("As long as the person works for the organiser."),
        subject_lookup="user",
        kind=KIND,
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="account.EmailAddress",
        fields=("email", "verified", "primary"),
        purpose=_("The account's e-mail addresses and whether they are verified."),
        retention=_("As long as the account is in use."),
        subject_lookup="user",
        email_lookups=("email",),
        kind=KIND,
        erase=Erase.DELETE,
    ),
    # The authenticator's secrets are not part of an extract: only that it exists and when it was used.
    PersonalData(
        model="mfa.Authenticator",
        fields=("type", "created_at", "last_used_at"),
        purpose=_("Two-factor authentication of the account."),
        retention=_("As long as the account is in use."),
        subject_lookup="user",
        kind=KIND,
        erase=Erase.DELETE,
    ),
    PersonalData(
        model="admin.LogEntry",
        fields=("action_time", "content_type", "object_id", "object_repr", "change_message"),
        purpose=_("The Django admin site's log of changes made there and by whom."),
        retention=_("As long as the audit history is kept."),
        subject_lookup="user",
        kind=KIND,
        keep_reason=_("The log of changes in the admin site; it names the anonymised account."),
    ),
)
