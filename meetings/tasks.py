"""Thin Celery tasks: ids in, one service call; safe to run twice."""

from celery import shared_task

from core.mail import retry_delivery


@shared_task(bind=True)
def send_invitations(self, invitation_ids: list[int]) -> int:
    """E-mail these meeting invitations, each once (see meetings.invitations)."""
    from meetings.invitations import send_invitation_emails

    try:
        return send_invitation_emails(invitation_ids=list(invitation_ids))
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task
def purge_dietary_needs() -> int:
    """Nightly: the dietary needs of meetings that are over are deleted."""
    from meetings.invitations import purge_dietary_needs as purge

    return purge()


@shared_task(bind=True)
def send_seminar_confirmation(self, registration_id: int) -> bool:
    """E-mail the confirmation of an open-seminar sign-up, once (see meetings.seminars)."""
    from meetings.seminars import send_confirmation

    try:
        return send_confirmation(registration_id=registration_id)
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task(bind=True)
def send_meeting_reminders(self) -> int:
    """Hourly: the reminders a week and a day before each meeting, each once (see meetings.reminders)."""
    from meetings.reminders import send_meeting_reminders as send

    try:
        return send()
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task(bind=True)
def send_meeting_message(self, message_id: int, invitation_ids: list[int]) -> int:
    """E-mail a lead's message to these invitees, each once (see meetings.outreach)."""
    from meetings.outreach import send_message_emails

    try:
        return send_message_emails(message_id=message_id, invitation_ids=list(invitation_ids))
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task(bind=True)
def send_commitment_reminders(self) -> int:
    """Weekly: remind each member municipality of the commitments the lead has not received (see meetings.followup)."""
    from meetings.followup import send_commitment_reminders as send

    try:
        return send()
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task(bind=True)
def send_personal_link_email(self, participant_id: int, link_version: int) -> bool:
    """E-mail a participant their personal link of this version, once (see meetings.followup)."""
    from meetings.followup import deliver_personal_link

    try:
        return deliver_personal_link(participant_id=participant_id, link_version=link_version)
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task(bind=True)
def send_survey(self, survey_id: int) -> int:
    """E-mail an evaluation survey to its recipients who have not answered, each once (see meetings.evaluations)."""
    from meetings.evaluations import send_survey_emails

    try:
        return send_survey_emails(survey_id=survey_id)
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task(bind=True)
def evaluations_daily(self) -> dict:
    """Daily: the surveys of meetings that ended, then one reminder before closing (see meetings.evaluations)."""
    from meetings.evaluations import run_daily

    try:
        return run_daily()
    except OSError as error:
        raise retry_delivery(self, error) from error


@shared_task(bind=True)
def send_homework_reminders(self) -> int:
    """Daily: remind the member municipalities that have not handed in homework due within 3 days, each person
    once per homework (see meetings.homework)."""
    from meetings.homework import send_homework_reminders as send

    try:
        return send()
    except OSError as error:
        raise retry_delivery(self, error) from error
