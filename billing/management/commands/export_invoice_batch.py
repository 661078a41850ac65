"""python manage.py export_invoice_batch <id> --format xlsx|csv|sie|peppol|pdf --output PATH"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from billing.exports import FORMATS, export_batch, export_bytes
from billing.models import InvoiceBatch


class Command(BaseCommand):
    help = (
        "Write the export of an approved invoice batch to a file: the stored export, made and stored on the "
        "first export of the format, so the bytes are the same as those downloaded from the batch's page."
    )

    def add_arguments(self, parser):
        parser.add_argument("batch_id", type=int, help="The id of the invoice batch.")
        parser.add_argument("--format", required=True, choices=list(FORMATS), dest="fmt", help="The export format.")
        parser.add_argument(
            "--output",
            required=True,
            help="The file to write (replaced if it exists), or an existing directory to write the export's "
            "own file name into.",
        )

    def handle(self, *args, batch_id, fmt, output, **options):
        batch = InvoiceBatch.objects.select_related("organizer").filter(pk=batch_id).first()
        if batch is None:
            raise CommandError(f"There is no invoice batch with id {batch_id}.")
        try:
            export = export_batch(batch, fmt)
            content = export_bytes(export)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        target = Path(output)
        if target.is_dir():
            target = target / export.file_name
        if not target.parent.is_dir():
            raise CommandError(f"--output: the folder {target.parent} does not exist.")
        try:
            target.write_bytes(content)
        except OSError as error:
            raise CommandError(f"--output: cannot write {target}: {error.strerror or error}") from error
        self.stdout.write(f"Wrote {export.file_name} ({export.size} bytes, sha256 {export.sha256}) to {target}.")
