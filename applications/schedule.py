from core.beat import PeriodicTaskSpec

PERIODIC_TASKS = [
    PeriodicTaskSpec(
        name="application deadline reminders",
        task="applications.tasks.send_deadline_reminders",
        minute="5",
        hour="*",
        description="E-mails representatives with an unsubmitted draft 7 days and 1 day before the deadline.",
    ),
    PeriodicTaskSpec(
        name="waiting-list offers past their deadline",
        task="applications.tasks.expire_waitlist_offers",
        minute="*/15",
        hour="*",
        description="Closes offers of a place not answered by the deadline and offers the place to the next in line.",
    ),
]
