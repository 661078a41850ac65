from core.beat import PeriodicTaskSpec

PERIODIC_TASKS = [
    PeriodicTaskSpec(
        name="dietary needs of past meetings",
        task="meetings.tasks.purge_dietary_needs",
        minute="20",
        hour="3",
        description="Deletes the dietary needs of meetings that are over (health data is kept no longer).",
    ),
    PeriodicTaskSpec(
        name="meeting reminders",
        task="meetings.tasks.send_meeting_reminders",
        minute="5",
        hour="*",
        description="E-mails the invitees a reminder a week and a day before each meeting, each once, with the .ics.",
    ),
    PeriodicTaskSpec(
        name="commitment reminders",
        task="meetings.tasks.send_commitment_reminders",
        minute="0",
        hour="8",
        day_of_week="1",
        description="Mondays: e-mails each member municipality's representatives the commitments (such as the "
        "leadership decision) the network's lead has not received yet, once a week until all are received.",
    ),
    PeriodicTaskSpec(
        name="evaluation surveys",
        task="meetings.tasks.evaluations_daily",
        minute="30",
        hour="9",
        description="Daily: e-mails the evaluation survey to those who attended a meeting that ended (the day after), "
        "and one reminder three days before a survey closes to those who have not answered.",
    ),
    PeriodicTaskSpec(
        name="homework reminders",
        task="meetings.tasks.send_homework_reminders",
        minute="0",
        hour="7",
        description="Daily: e-mails the participants of each member municipality that has not handed in a homework "
        "due within three days a reminder with their personal link, once per person and homework.",
    ),
]
