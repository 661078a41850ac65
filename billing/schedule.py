from core.beat import PeriodicTaskSpec  # noqa: F401

PERIODIC_TASKS = []
