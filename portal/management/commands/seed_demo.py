from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import seed_all

DEFAULT_PASSWORD = "demo-natverk-2026"


class Command(BaseCommand):
    help = "Create or update the demo organisers, users and data (idempotent). Refuses to run with DEBUG off."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="password for every demo user")
        parser.add_argument(
            "--allow-production", action="store_true", help="run even with DEBUG off (never on a real installation)"
        )

    def handle(self, *args, password, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("seed_demo creates users with a known password; it refuses to run with DEBUG off.")
        if len(password) < 10:
            raise CommandError("--password must be at least 10 characters.")
        seeded = seed_all(password=password)
        self.stdout.write(self.style.SUCCESS("Demodata klar. Demoanvändare (samma lösenord för alla):"))
        for spec, user in seeded:
            self.stdout.write(f"  {user.email:<45} {spec.description}")
        self.stdout.write(f"  Lösenord: {password}")
        self.stdout.write("Tvåfaktorsinloggning för personal är avstängd i demoinstallationen (på i produktion).")
