"""python manage.py sync_kolada [--base-url URL] [--kpi ID ...] [--years 2015-2025]"""

import re

from django.core.management.base import BaseCommand, CommandError

from municipalities.kolada_sync import kolada_sync
from municipalities.models import KoladaSync

YEARS = re.compile(r"^(\d{4})(?:-(\d{4}))?$")
KPI_ID = re.compile(r"^[A-Z]\d{5}$")


def parse_years(text: str) -> list[int]:
    """``2015-2025``, ``2024`` or ``2019,2021``."""
    years: set[int] = set()
    for part in text.replace(" ", "").split(","):
        match = YEARS.match(part)
        if not match:
            raise CommandError(f"--years: {part!r} is not a year or a range such as 2015-2025")
        first, last = int(match[1]), int(match[2] or match[1])
        if first > last:
            raise CommandError(f"--years: {part!r} runs backwards")
        if first < 1950 or last > 2100:
            raise CommandError(f"--years: {part!r} is outside 1950–2100")
        years.update(range(first, last + 1))
    return sorted(years)


class Command(BaseCommand):
    help = "Fetch key-figure metadata and values for the followed key figures from Kolada."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", help="Kolada's v3 address (default: settings.KOLADA_BASE_URL)")
        parser.add_argument(
            "--kpi", action="append", default=[], metavar="ID", help="Only this key figure (repeatable)."
        )
        parser.add_argument("--years", help="Years, e.g. 2015-2025 (default: this year and the ten before)")

    def handle(self, *args, base_url=None, kpi=(), years=None, **options):
        if base_url and not base_url.startswith(("http://", "https://")):
            raise CommandError("--base-url must be an http(s) address, e.g. https://api.kolada.se/v3")
        kpi_ids = [item.strip().upper() for value in kpi for item in value.split(",") if item.strip()]
        bad = [kpi_id for kpi_id in kpi_ids if not KPI_ID.match(kpi_id)]
        if bad:
            raise CommandError(f"--kpi: not a Kolada key figure id (like N01951): {', '.join(bad)}")
        log = kolada_sync(base_url=base_url, kpi_ids=kpi_ids or None, years=parse_years(years) if years else None)
        summary = (
            f"Kolada sync {log.get_status_display()}: {log.kpis_synced} key figures, "
            f"{log.values_written} values written, {log.values_deleted} removed, {log.requests} requests."
        )
        if log.register_differences:
            self.stdout.write(f"Differences from the register:\n{log.register_differences}")
        if log.errors:
            self.stderr.write(f"Errors:\n{log.errors}")
        if log.status == KoladaSync.Status.FAILED:
            raise CommandError(summary)
        self.stdout.write(summary)
