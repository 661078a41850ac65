"""Each benchmark writes its figures to build/bench/<name>.json; bench/report.py gathers them into BENCHMARKS.md."""

from __future__ import annotations

import json
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "build" / "bench"


def write_result(name: str, data: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    payload = {"measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), **data}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    return path
