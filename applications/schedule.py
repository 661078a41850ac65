from core.beat import PeriodicTaskSpec

PERIODIC_TASKS = [
    PeriodicTaskSpec(
        name="application deadline reminders",
        task="applications.tasks.send_deadline_reminders",
        minute="5",
        hour="*",
        description="E-mails representatives with an unsubmitted draft 7 days and 1 day before the deadline.",
    ),
]
