from django.core.management.base import BaseCommand

from core import retention


class Command(BaseCommand):
    help = "Anonymise or delete personal data past its retention period (settings.RETENTION)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be purged.")

    def handle(self, *args, dry_run=False, **options):
        counts = retention.purge(dry_run=dry_run)
        verb = "would purge" if dry_run else "purged"
        for rule in retention.RULES:
            self.stdout.write(f"{rule.key}: {verb} {counts[rule.key]} rows (kept {rule.days} days)")
