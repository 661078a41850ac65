from core.beat import PeriodicTaskSpec

PERIODIC_TASKS = [
    PeriodicTaskSpec(
        name="dietary needs of past meetings",
        task="meetings.tasks.purge_dietary_needs",
        minute="20",
        hour="3",
        description="Deletes the dietary needs of meetings that are over (health data is kept no longer).",
    ),
]
