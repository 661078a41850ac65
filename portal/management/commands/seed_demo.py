from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import seed_all
from portal.demo_networks import network_summary

DEFAULT_PASSWORD = "demo-natverk-2026"  # the embedded demo's published password  # nosec B105
# A developer-facing command: the network statuses in plain Swedish.
STATUS_SV = {
    "draft": "utkast",
    "open": "öppet för ansökan",
    "selection": "urval",
    "running": "pågår",
    "finished": "avslutat",
    "archived": "arkiverat",
}


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
        self.stdout.write("  Kommunrepresentanter: <förnamn>.<efternamn>@<kommun>.example.se (se Django-admin).")
        self.write_networks()
        self.stdout.write("Tvåfaktorsinloggning för personal är avstängd i demoinstallationen (på i produktion).")

    def write_networks(self):
        self.stdout.write(self.style.SUCCESS("Demonätverk (status, ansökningar, medlemmar):"))
        for network in network_summary():
            status = STATUS_SV.get(network.status, network.status)
            self.stdout.write(
                f"  {network.slug:<42} {status:<18} "
                f"ansökningar {network.n_applications:>2} (inskickade {network.n_submitted:>2}), "
                f"medlemmar {network.n_members:>2}"
            )
