from django.core.management.base import BaseCommand

from core.reference import loaders


class Command(BaseCommand):
    help = "Load or update reference data (municipality register, periodic tasks). Idempotent."

    def handle(self, *args, **options):
        for label, load in loaders():
            summary = load()
            self.stdout.write(f"{label}: {summary}")
