"""Benchmark of the selection optimiser (not a test): 25, 100 and 290 applicants for 10 places.

The applicants are real kommuner from the shipped register (county, riksområde,
population size class, political bloc), drawn at random with a fixed seed, with
random review averages (1–5) and need of support (0–100), some missing. Every
rule is on: coverage by riksområde, at least 3 under 15 000 inhabitants, at most
3 with 50 000 or more, political balance within 2, at most 2 per county.

    .venv/bin/python bench/selection.py

Prints, per size, the median of 3 runs of the solve alone (one solver run with
every rule), of the whole proposal (with the re-solves for the binding rules)
and of the swap analysis, and whether the optimum was proven. Target: a proven
optimum for 290 applicants in under 1 s.
"""

import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()  # rule names go through gettext

from applications import selection  # noqa: E402
from bench.results import write_result  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "municipalities" / "data"
SIZES = (25, 100, 290)
RUNS = 3
BLOCS = {"vanster": "left", "borgerligt": "right", "borgerligt_sd": "right"}


def kommuner() -> list[dict]:
    with open(DATA / "riksomraden.csv", encoding="utf-8") as f:
        areas = {row["county_code"]: row["nuts2_code"] for row in csv.DictReader(f)}
    with open(DATA / "political_majority_2022.csv", encoding="utf-8") as f:
        blocs = {row["code"]: BLOCS.get(row["bloc"], "") for row in csv.DictReader(f)}
    with open(DATA / "municipalities.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        population = int(row["population_unverified"] or 0)
        size = "under_15000" if population < 15000 else "15000_49999" if population < 50000 else "50000_plus"
        county = row["county_code"]
        out.append({"code": row["municipality_code"], "county": county, "area": areas[county], "size": size})
        out[-1]["bloc"] = blocs.get(row["municipality_code"], "")
    return out


def instance(count: int, seed: int) -> list[selection.Candidate]:
    rng = random.Random(seed)
    drawn = rng.sample(kommuner(), count)
    candidates = []
    for key, k in enumerate(drawn, start=1):
        score = None if rng.random() < 0.1 else round(rng.uniform(1, 5), 2)
        need = None if rng.random() < 0.05 else round(rng.uniform(0, 100), 1)
        candidates.append(selection.Candidate(key, score, need, k["county"], k["area"], k["size"], k["bloc"]))
    return candidates


RULES = selection.Rules(
    capacity=10,
    weight_score=1.0,
    weight_need=0.5,
    coverage="area",
    coverage_bonus=0.5,
    size_min={"under_15000": 3},
    size_max={"50000_plus": 3},
    bloc_max_difference=2,
    county_max=2,
)


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main() -> None:
    print(f"{'applicants':>10} {'solve s':>8} {'proven':>7} {'proposal s':>10} {'solves':>6} {'swaps s':>8}  binding")
    rows = []
    for count in SIZES:
        candidates = instance(count, seed=count)
        solve_times, proposal_times, swap_times = [], [], []
        proven = True
        for _ in range(RUNS):
            model = selection._Model(candidates, RULES)
            seconds, chosen = timed(model.solve, model.all_rules)
            solve_times.append(seconds)
            proven = proven and chosen is not None  # solve() raises unless CBC proved the optimum or infeasibility
            seconds, proposal = timed(selection.propose, candidates, RULES)
            proposal_times.append(seconds)
            if proposal.status == selection.STATUS_OPTIMAL:
                seconds, _swaps = timed(model.swaps, chosen, proposal.objective, model.all_rules)
                swap_times.append(seconds)
        print(
            f"{count:>10} {statistics.median(solve_times):>8.3f} {'yes' if proven else 'NO':>7} "
            f"{statistics.median(proposal_times):>10.3f} {proposal.solves:>6} "
            f"{statistics.median(swap_times) if swap_times else float('nan'):>8.3f}  "
            f"{proposal.status}; {', '.join(proposal.binding) or '-'}"
        )
        rows.append(
            {
                "applicants": count,
                "solve_s": round(statistics.median(solve_times), 3),
                "proven": proven,
                "proposal_s": round(statistics.median(proposal_times), 3),
                "solves": proposal.solves,
                "swaps_s": round(statistics.median(swap_times), 3) if swap_times else None,
                "status": proposal.status,
                "binding": list(proposal.binding),
            }
        )
    write_result("selection", {"runs": RUNS, "sizes": rows})


if __name__ == "__main__":
    main()
