"""Personal data held by accounts (see core.privacy)."""

from core.privacy import PersonalData, register

register(
    PersonalData(
        model="accounts.User",
        fields=("email", "name", "phone", "title"),
        purpose="Log-in and contact details of staff and municipality representatives.",
        retention="As long as the account is in use; removed on request or after inactivity.",
        subject_lookup="pk",
    ),
    PersonalData(
        model="accounts.StaffRole",
        fields=("organizer", "role"),
        purpose="Which organiser's data a staff member may see and change.",
        retention="As long as the person works for the organiser.",
        subject_lookup="user",
    ),
)
