from core.beat import register_periodic_tasks


def load() -> str:
    counts = register_periodic_tasks()
    return "periodic tasks: {created} created, {updated} updated, {disabled} disabled".format(**counts)
