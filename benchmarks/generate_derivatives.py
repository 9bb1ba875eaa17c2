"""Time the derivative dataset generator; writes results/derivative_generation_time.json.

    python benchmarks/generate_derivatives.py [N] [--processes P] [--seed S]

Generates N verified lines (default 1,000,000) as `python -m lstm_utils generate-derivatives`
does, with every core unless --processes says otherwise. The target is 1,000,000 lines in at
most 10 minutes on the README's 2-core CPU.
"""

import argparse
import os
import time

from lstm_utils.derivatives.generator import family_shares, generate
from lstm_utils.results import save_results

TARGET_LINES = 1_000_000
TARGET_SECONDS = 600


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=TARGET_LINES, help="lines to generate")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    started = time.perf_counter()
    examples = generate(arguments.n, arguments.seed, arguments.processes)
    seconds = time.perf_counter() - started
    rate = arguments.n / seconds
    print(
        f"{arguments.n:,} lines in {seconds:.1f} s: {rate:,.0f} lines/s with "
        f"{arguments.processes} processes"
    )
    path = save_results(
        "derivative_generation_time",
        {
            "config": {"n": arguments.n, "seed": arguments.seed, "processes": arguments.processes},
            "seconds": seconds,
            "lines_per_second": rate,
            "lines_per_second_per_process": rate / arguments.processes,
            "target": {"lines": TARGET_LINES, "seconds": TARGET_SECONDS},
            "target_met": arguments.n >= TARGET_LINES and seconds <= TARGET_SECONDS,
            "family_shares": family_shares([example.family for example in examples]),
        },
    )
    print(f"written to {path}")


if __name__ == "__main__":
    main()
