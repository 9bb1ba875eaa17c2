"""Time a cold and a cached IMDB load; writes results/imdb_load_time.json.

    python benchmarks/imdb_load_time.py

The first load reads and tokenises the raw archive into an empty, temporary cache; the second
load reads that cache. Set LSTM_TUTORIAL_DATA to use a local copy of the data.
"""

import os
import tempfile
import time

from lstm_utils import config
from lstm_utils.imdb.data import find_imdb_source, load_imdb
from lstm_utils.results import save_results

NUM_WORDS = 20_000


def timed_load() -> float:
    started = time.perf_counter()
    load_imdb(num_words=NUM_WORDS)
    return time.perf_counter() - started


def main() -> None:
    source = find_imdb_source()
    with tempfile.TemporaryDirectory() as cache:
        os.environ[config.CACHE_ENV_VAR] = cache
        first, second = timed_load(), timed_load()
    print(f"first load {first:.1f} s, second (cached) load {second:.2f} s")
    path = save_results(
        "imdb_load_time",
        {
            "config": {"num_words": NUM_WORDS, "source": source.name},
            "first_load_seconds": first,
            "second_load_seconds": second,
        },
    )
    print(f"written to {path}")


if __name__ == "__main__":
    main()
