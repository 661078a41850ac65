from core.beat import PeriodicTaskSpec

PERIODIC_TASKS = [
    PeriodicTaskSpec(
        name="clear expired sessions",
        task="core.tasks.clear_expired_sessions",
        minute="17",
        hour="3",
        description="Deletes expired login sessions every night.",
    ),
]
