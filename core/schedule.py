from core.beat import PeriodicTaskSpec

PERIODIC_TASKS = [
    PeriodicTaskSpec(
        name="clear expired sessions",
        task="core.tasks.clear_expired_sessions",
        minute="17",
        hour="3",
        description="Deletes expired login sessions every night.",
    ),
    PeriodicTaskSpec(
        name="purge expired personal data",
        task="core.tasks.purge_expired_personal_data",
        minute="41",
        hour="2",
        description="Anonymises or deletes personal data past its retention period (settings.RETENTION).",
    ),
]
