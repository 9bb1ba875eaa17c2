"""The generated derivative dataset as the notebooks use it: made once per (size, seed), then cached.

Notebook 05 generates it and notebook 06 trains on it; each runs on its own in a fresh kernel
(or on Colab), so both call `load_dataset`, and only the first call pays for the generation.
"""

import time
from pathlib import Path

from .. import config
from ..errors import DataError, LstmTutorialError
from ..files import atomic_write_bytes
from .generator import FAMILY_WEIGHTS, Example, function_of, generate, split

# Bump when the generator changes what it writes for a seed, so old caches are not reused.
GENERATOR_VERSION = 2


def cache_path(n: int, seed: int) -> Path:
    return config.cache_dir() / "derivatives" / f"v{GENERATOR_VERSION}_n{n}_seed{seed}.tsv"


def load_dataset(n: int, seed: int, progress: bool = True) -> dict:
    """Train, validation and test examples (75:10:15, no function in two splits).

    Returns `{"train": [...], "validation": [...], "test": [...], "seconds": ..., "cached": ...}`
    where each split is a list of `Example(line, family)`; `seconds` is the generation time of
    the run that made the cache.
    """
    path = cache_path(n, seed)
    cached = path.is_file()
    if cached:
        seconds, examples = _read(path, n)
    else:
        started = time.perf_counter()
        examples = generate(n, seed, progress=progress)
        seconds = time.perf_counter() - started
        _write(path, seconds, examples)
    family = {example.line: example.family for example in examples}
    parts = split([example.line for example in examples], seed)
    dataset = {name: [Example(line, family[line]) for line in lines] for name, lines in parts.items()}
    return {**dataset, "seconds": seconds, "cached": cached}


def extra_training_examples(dataset: dict, family: str, n: int, seed: int, progress: bool = True) -> list[Example]:
    """`n` more lines of one `family`, none with a function that is in a split of `dataset`.

    For training only: the validation and test functions stay unseen, and no training
    function comes back by another variable. Drawn from the family's own random stream
    (see `generate`), so the same for a seed on any machine.
    """
    every_function = frozenset(
        function_of(example.line) for name in ("train", "validation", "test") for example in dataset[name]
    )
    return generate(n, seed, progress=progress, family=family, exclude_functions=every_function)


def fresh_training_examples(
    dataset: dict, n: int, seed: int, draw: int, progress: bool = True, extra_shares: dict[str, float] | None = None
) -> list[Example]:
    """`n` newly generated lines for training, draw number `draw`, none with a held-out function.

    Each draw is a random stream of its own, so every pass over the training data can bring lines
    the model has not seen, in the dataset's family shares; no function of the validation or test
    split appears (training functions may come back). The same for a seed and draw on any machine.
    `extra_shares` ({family: share}) gives that share of the `n` lines to lines of the family
    alone, on top of its share of the rest, so that the kinds a model gets wrong most come more
    often; the validation and test splits keep the public shares.
    """
    extra_shares = extra_shares or {}
    unknown = sorted(set(extra_shares) - set(FAMILY_WEIGHTS))
    if unknown or not 0 <= sum(extra_shares.values()) < 1 or any(share < 0 for share in extra_shares.values()):
        raise LstmTutorialError(
            f"extra_shares must name families ({', '.join(FAMILY_WEIGHTS)}) with shares from 0 that add up to "
            f"less than 1, got {extra_shares}."
        )
    held_out = frozenset(function_of(example.line) for name in ("validation", "test") for example in dataset[name])
    counts = {family: round(n * share) for family, share in extra_shares.items() if round(n * share)}
    stream = f"fresh/{draw}"
    mixed = n - sum(counts.values())
    examples = generate(mixed, seed, progress=progress, exclude_functions=held_out, stream=stream) if mixed else []
    for family, count in counts.items():
        taken = held_out | {function_of(example.line) for example in examples}
        examples += generate(count, seed, progress=progress, family=family, exclude_functions=taken, stream=stream)
    return examples


def training_passes(
    n: int, seed: int, passes: int, progress: bool = True, extra_shares: dict[str, float] | None = None
) -> list[list[Example]]:
    """What each pass over the training data reads: the training split of `load_dataset(n, seed)`,
    then `passes - 1` fresh draws of as many lines (`fresh_training_examples`, draws 1, 2, ...,
    with its `extra_shares`).

    Each draw is generated once and cached beside the dataset, so a resumed or repeated run
    reads it back instead of generating it again.
    """
    dataset = load_dataset(n, seed, progress=progress)
    size = len(dataset["train"])
    result = [dataset["train"]]
    for draw in range(1, passes):
        path = _fresh_draw_path(n, seed, draw, extra_shares)
        if path.is_file():
            _, examples = _read(path, size)
        else:
            started = time.perf_counter()
            examples = fresh_training_examples(dataset, size, seed, draw, progress=progress, extra_shares=extra_shares)
            _write(path, time.perf_counter() - started, examples)
        result.append(examples)
    return result


def fresh_draws_generation_seconds(n: int, seed: int, passes: int, extra_shares: dict[str, float] | None = None) -> float:
    """The seconds the generator took to make the fresh draws of `training_passes`, as recorded
    in each draw's cache when it was generated; a cached draw is read back far faster than that."""
    return sum(_recorded_seconds(_fresh_draw_path(n, seed, draw, extra_shares)) for draw in range(1, passes))


def _fresh_draw_path(n: int, seed: int, draw: int, extra_shares: dict[str, float] | None = None) -> Path:
    extra = "".join(f"_{family}{share:g}" for family, share in sorted((extra_shares or {}).items()) if share)
    return cache_path(n, seed).with_name(f"{cache_path(n, seed).stem}_fresh{draw}{extra}.tsv")


def _recorded_seconds(path: Path) -> float:
    with path.open() as cache:
        header = cache.readline()
    try:
        return float(header.split("\t")[1])
    except (IndexError, ValueError) as error:
        raise DataError(f"The dataset cache {path} is damaged ({error}); delete it to regenerate.") from None


def _write(path: Path, seconds: float, examples: list[Example]) -> None:
    rows = [f"# seconds\t{seconds:.3f}"] + [f"{e.line}\t{e.family}" for e in examples]
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, ("\n".join(rows) + "\n").encode())


def _read(path: Path, n: int) -> tuple[float, list[Example]]:
    seconds = _recorded_seconds(path)
    rows = path.read_text().splitlines()
    try:
        examples = [Example(*row.split("\t")) for row in rows[1:]]
    except (IndexError, ValueError, TypeError) as error:
        raise DataError(f"The dataset cache {path} is damaged ({error}); delete it to regenerate.") from None
    if len(examples) != n:
        raise DataError(f"The dataset cache {path} holds {len(examples)} lines, not {n}; delete it to regenerate.")
    return seconds, examples
