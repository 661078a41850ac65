"""Render every document of the demo into a folder, and the first page of each into PNG (`make pdfs`)."""

from __future__ import annotations

import logging
import shutil
import subprocess  # nosec B404
import time
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.document_catalogue import all_documents

PNG_RESOLUTION = 70  # dots per inch: an A4 page of about 580 × 820 pixels


class Command(BaseCommand):
    help = "Render every document of the demo into build/pdfs/ (PDF) and the first page of each into PNG."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="build/pdfs", help="output folder (emptied first)")
        parser.add_argument("--sample", action="store_true", help="only the first document of each kind")
        parser.add_argument("--no-png", action="store_true", help="PDFs only (no pdftoppm)")

    def handle(self, *args, out: str, sample: bool, no_png: bool, **options):
        # Without HarfBuzz-Subset WeasyPrint warns on every PDF; refused fetches are still logged by reports.pdf.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        pdftoppm = None if no_png else shutil.which("pdftoppm")
        if not no_png and pdftoppm is None:
            raise CommandError("pdftoppm is missing: install Debian's poppler-utils (or pass --no-png)")
        folder = Path(out)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        seconds: dict[str, list[float]] = defaultdict(list)
        count = 0
        for document in all_documents(sample=sample):
            target = folder / document.path
            target.parent.mkdir(parents=True, exist_ok=True)
            start = time.perf_counter()
            target.write_bytes(document.render())
            seconds[document.kind].append(time.perf_counter() - start)
            if pdftoppm:
                subprocess.run(  # our own file names, no shell  # nosec B603
                    [pdftoppm, "-png", "-f", "1", "-l", "1", "-r", str(PNG_RESOLUTION), "-singlefile",
                     str(target), str(target.with_suffix(""))],
                    check=True,
                    capture_output=True,
                    timeout=60,
                )  # fmt: skip
            count += 1
        for kind, times in sorted(seconds.items()):
            self.stdout.write(f"{kind:<18} {len(times):>4} × {sum(times) / len(times):.2f} s")
        self.stdout.write(self.style.SUCCESS(f"{count} documents in {folder}/" + ("" if pdftoppm else " (no PNG)")))
