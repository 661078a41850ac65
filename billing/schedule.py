from core.beat import PeriodicTaskSpec

PERIODIC_TASKS = [
    PeriodicTaskSpec(
        name="overdue invoice reminders",
        task="billing.tasks.send_overdue_reminders",
        minute="15",
        hour="8",
        description="Daily: e-mails the buyer of each overdue, not fully paid invoice a payment reminder at each of "
        "the organiser's reminder levels (days after the due date, by default 10 and 30), once per level.",
    ),
]
