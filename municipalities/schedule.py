from core.beat import PeriodicTaskSpec

PERIODIC_TASKS = [
    PeriodicTaskSpec(
        name="sync kolada",
        task="municipalities.tasks.sync_kolada_task",
        minute="30",
        hour="3",
        day_of_week="1",
        description="Fetches key figures and population from Kolada every Monday night.",
    ),
]
