from django.core.management.base import BaseCommand

from core.beat import register_periodic_tasks


class Command(BaseCommand):
    help = "Create or update the Celery beat schedule in the database. Idempotent."

    def handle(self, *args, **options):
        counts = register_periodic_tasks()
        self.stdout.write("periodic tasks: {created} created, {updated} updated, {disabled} disabled".format(**counts))
