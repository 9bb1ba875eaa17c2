"""The derivative dataset: lines such as `d(2sin^3(4y^2))/dy=48y*cos(4y^2)*sin^2(4y^2)`.

Each line is drawn as structured terms, printed by fixed layout rules (not by printing SymPy's
answer, whose layout is not ours to choose), and verified by SymPy before it is kept. A line
that fails verification is a bug and stops the run; nothing is dropped silently.
"""

import math
import multiprocessing
import os
import random
import tempfile
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from tqdm.auto import tqdm

from .errors import DataError, LstmTutorialError
from .files import atomic_write_bytes
from .notation import (
    MAX_SIDE_LENGTH,
    VARIABLES,
    Factor,
    Term,
    format_expression,
    format_line,
    parse_expression,
    parse_line,
    terms_are_derivative,
)

# Ten times the published dataset; a few GiB of memory while the lines are collected.
MAX_LINES = 10_000_000

# Share of each family among the lines, close to the public dataset this one imitates.
FAMILY_WEIGHTS = {
    "power_sum": 0.20,  # 3t^4+t: one to four powers of the variable
    "exp_sum": 0.18,  # 5exp^(2k)+exp^(9k)
    "mixed_sum": 0.02,  # powers and exp terms, rarely a sin or cos term
    "trig": 0.28,  # 2sin^3(4y^2)
    "power_exp_product": 0.15,  # 6w^2*exp^(3w) or 7exp^(2b)*b^3
    "power_trig_product": 0.01,  # 12x^2*sin(3x)
    "two_variable": 0.16,  # 4z^3*cos(2m^5) by m: z^3 is a constant
}
SPLIT_SHARES = {"train": 0.75, "validation": 0.10, "test": 0.15}

MAX_COEFFICIENT = 20  # leading and inner coefficients are 1 to 20, products of two such
MAX_EXPONENT = 11  # powers x^k and sin^n run up to 11
MIXED_TRIG_SHARE = 0.2  # share of mixed sums with a sin or cos term
# How many terms a power sum has. Single powers are rare: only 8,360 exist (19 variables, 40
# coefficients, 11 exponents), so more of them would mostly be duplicates in a large dataset.
POWER_SUM_TERMS = {1: 0.04, 2: 0.32, 3: 0.32, 4: 0.32}
# Lines per task. Each chunk has its own seed, so the output depends on the seed and this size,
# never on how many processes share the work.
CHUNK_SIZE = 500


class Example(NamedTuple):
    """A line `d(f)/dx=f'` and the family it was drawn from."""

    line: str
    family: str

    @property
    def source(self) -> str:
        """What a model reads: the function side, `d(f)/dx`."""
        return self.line.split("=", 1)[0]

    @property
    def target(self) -> str:
        """What a model writes: the derivative, `f'`."""
        return self.line.split("=", 1)[1]


def generate(
    n: int,
    seed: int,
    processes: int | None = None,
    progress: bool = True,
    family: str | None = None,
    exclude_functions: frozenset[str] = frozenset(),
) -> list[Example]:
    """`n` distinct, verified lines with their families, the same for a seed on any machine.

    Chunks of `CHUNK_SIZE` lines, each seeded by (seed, chunk index), run on `processes` workers
    (default: every core; 1 runs in this process) and are read back in order; the first `n`
    distinct lines are kept. A progress bar goes to standard error unless `progress` is False.
    With `family`, every line is of that family, drawn from a random stream of its own (so not
    the same lines as the mixed dataset of that seed); a line whose function is in
    `exclude_functions` (see `function_of`) is skipped, so that extra training lines can be
    made without touching a held-out split.
    """
    if family is not None and family not in FAMILY_WEIGHTS:
        raise LstmTutorialError(f"Unknown family {family!r}; choose from {', '.join(FAMILY_WEIGHTS)}.")
    if not 0 < n <= MAX_LINES:
        raise LstmTutorialError(f"The number of lines must be from 1 to {MAX_LINES:,}, got {n:,}.")
    if processes is None:
        processes = os.cpu_count() or 1
    if processes <= 0:
        raise LstmTutorialError(f"The number of processes must be positive, got {processes}.")
    kept: dict[str, str] = {}
    chunks_done = 0
    pool = multiprocessing.Pool(processes) if processes > 1 else None
    bar = tqdm(
        total=n, desc="Derivative lines", unit=" lines", mininterval=1.0, disable=not progress
    )
    try:
        while len(kept) < n:
            # Enough chunks for the lines still missing at the share of new lines so far; when
            # duplicates grow with the dataset and it falls short, another round makes it up.
            new_share = len(kept) / (chunks_done * CHUNK_SIZE) if chunks_done else 1.0
            count = math.ceil((n - len(kept)) / (new_share * CHUNK_SIZE))
            tasks = [(seed, index, family) for index in range(chunks_done, chunks_done + count)]
            results = pool.imap(_generate_chunk, tasks) if pool else map(_generate_chunk, tasks)
            for chunk in results:
                chunks_done += 1
                before = len(kept)
                for line, line_family in chunk:
                    if len(kept) == n:
                        break
                    if exclude_functions and function_of(line) in exclude_functions:
                        continue
                    kept.setdefault(line, line_family)
                bar.update(len(kept) - before)
                if len(kept) == n:
                    break
    finally:
        bar.close()
        if pool:
            pool.terminate()
            pool.join()
    return [Example(line, line_family) for line, line_family in kept.items()]


def family_shares(families: list[str]) -> dict[str, float]:
    """Share of each family in `families`, in the order of `FAMILY_WEIGHTS`."""
    counts = Counter(families)
    return {family: counts[family] / len(families) for family in FAMILY_WEIGHTS}


def family_of(line: str) -> str:
    """The family of a line, read from its function; "other" for a shape no family makes."""
    function, variable, _ = parse_line(line)
    return _family(parse_expression(function), variable)


def _family(terms: tuple[Term, ...], variable: str) -> str:
    kinds = [tuple(map(_kind_of(variable), factors)) for _, factors in terms]
    if len(kinds) == 1 and len(kinds[0]) == 2:
        pair = set(kinds[0])
        if "constant" in pair and len(pair) == 2:
            return "two_variable"
        if pair == {"power", "exp"}:
            return "power_exp_product"
        if pair == {"power", "trig"}:
            return "power_trig_product"
    if all(len(factors) == 1 for factors in kinds):
        singles = {factors[0] for factors in kinds}
        if singles == {"power"}:
            return "power_sum"
        if singles == {"exp"} and len(kinds) == 2:
            return "exp_sum"
        if singles == {"trig"} and len(kinds) == 1:
            return "trig"
        if {"power", "exp"} <= singles <= {"power", "exp", "trig"}:
            return "mixed_sum"
    return "other"


def _kind_of(variable: str):
    def kind(factor: Factor) -> str:
        if factor.variable != variable:
            return "constant"
        return {"": "power", "exp": "exp"}.get(factor.function, "trig")

    return kind


def split(lines: list[str], seed: int) -> dict[str, list[str]]:
    """Train, validation and test lines (75:10:15), with no function in two splits.

    The same function can come with two variables (two-variable products), so lines are grouped
    by function; the groups are shuffled with `seed` and cut where the running count reaches
    75% and 85%. Each split keeps the lines' original order.
    """
    groups: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        groups.setdefault(function_of(line), []).append(index)
    order = list(groups)
    random.Random(seed).shuffle(order)
    names = list(SPLIT_SHARES)
    ends, total = [], 0.0
    for share in SPLIT_SHARES.values():
        total += share
        ends.append(round(total * len(lines)))
    assigned: dict[str, list[int]] = {name: [] for name in names}
    count, part = 0, 0
    for function in order:
        while part < len(names) - 1 and count >= ends[part]:
            part += 1
        assigned[names[part]].extend(groups[function])
        count += len(groups[function])
    return {name: [lines[i] for i in sorted(indices)] for name, indices in assigned.items()}


def function_of(line: str) -> str:
    """The `f` of `d(f)/dx=...`: an expression holds no '/', so the first ')/d' ends it."""
    end = line.find(")/d")
    if not line.startswith("d(") or end < 0:
        raise DataError(f"Not a derivative line: {line!r}")
    return line[2:end]


def split_paths(path: Path) -> dict[str, Path]:
    """Where the splits of `path` go: `data.txt` -> `data_train.txt`, `data_validation.txt`, ..."""
    return {name: path.with_name(f"{path.stem}_{name}{path.suffix}") for name in SPLIT_SHARES}


def check_writable(path: Path) -> None:
    """Fail before a long run, not after it, when `path` cannot be written."""
    if path.is_dir():
        raise DataError(f"Cannot write {path}: it is a folder.")
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    # Trying is the only sure test: permission bits do not bind root, and /proc binds everyone.
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError:
        raise DataError(f"Cannot write {path}: {folder} is not a writable folder.") from None


def write_lines(path: Path, lines: list[str]) -> None:
    """Write one line per example, atomically."""
    try:
        atomic_write_bytes(path, "".join(f"{line}\n" for line in lines).encode())
    except OSError as error:
        raise DataError(f"Cannot write {path}: {error.strerror or error}.") from None


def read_lines(path: Path) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except FileNotFoundError:
        raise DataError(f"No derivative dataset at {path}.") from None
    except OSError as error:
        raise DataError(f"Cannot read {path}: {error.strerror or error}.") from None


def differentiate(terms: tuple[Term, ...], variable: str) -> tuple[Term, ...]:
    """The derivative laid out as the dataset writes it.

    Sums go term by term, like terms never combined. A term with several factors in the
    variable gives one term per such factor (the product rule, `f'g+fg'`), that factor replaced
    by its derivative's factors and the constants merged into the leading coefficient; factors in
    other variables are constants and stay where they were. A term without the variable drops out.
    """
    result = []
    for coefficient, factors in terms:
        for index, factor in enumerate(factors):
            if factor.variable == variable:
                multiplier, replacement = _factor_derivative(factor)
                result.append(
                    Term(
                        coefficient * multiplier,
                        factors[:index] + replacement + factors[index + 1 :],
                    )
                )
    return tuple(result)


def _factor_derivative(factor: Factor) -> tuple[int, tuple[Factor, ...]]:
    """Chain rule: a coefficient, then `x^(k-1)`, then sin/cos or exp, then the rest of the power."""
    function, variable, exponent, inner, power = factor
    lowered = (Factor("", variable, exponent - 1),) if exponent > 1 else ()
    if not function:
        return exponent, lowered
    chain = inner * exponent
    if function == "exp":
        return chain, (*lowered, factor)
    other = "cos" if function == "sin" else "sin"
    sign = 1 if function == "sin" else -1
    rest = (factor._replace(power=power - 1),) if power > 1 else ()
    return sign * power * chain, (*lowered, Factor(other, variable, exponent, inner), *rest)


def _generate_chunk(task: tuple[int, int, str | None]) -> list[tuple[str, str]]:
    seed, index, family = task
    if family is None:
        rng = random.Random(f"derivatives/{seed}/{index}")
        families = rng.choices(
            list(FAMILY_WEIGHTS), weights=list(FAMILY_WEIGHTS.values()), k=CHUNK_SIZE
        )
    else:
        rng = random.Random(f"derivatives/{family}/{seed}/{index}")
        families = [family] * CHUNK_SIZE
    return [(_sample_line(rng, family), family) for family in families]


def _sample_line(rng: random.Random, family: str) -> str:
    """One verified line of `family`, drawn again until both sides fit in 30 characters."""
    sampler = _SAMPLERS[family]
    while True:
        variable = rng.choice(VARIABLES)
        terms = sampler(rng, variable)
        function = format_expression(terms)
        if len(format_line(function, variable)) > MAX_SIDE_LENGTH:
            continue
        derivative = format_expression(differentiate(terms, variable))
        if len(derivative) > MAX_SIDE_LENGTH:
            continue
        line = format_line(function, variable, derivative)
        _verify(line, family)
        return line


def _verify(line: str, family: str) -> None:
    """Check the printed text, not the terms it came from, so a printer bug cannot slip by."""
    function, variable, derivative = parse_line(line)
    terms = parse_expression(function)
    if not terms_are_derivative(terms, variable, parse_expression(derivative)):
        raise RuntimeError(f"Generator bug: SymPy rejects the derivative in {line!r}.")
    if _family(terms, variable) != family:
        raise RuntimeError(f"Generator bug: {line!r} is not of the family {family!r}.")


def _coefficient(rng: random.Random) -> int:
    return rng.choice((-1, 1)) * rng.randint(1, MAX_COEFFICIENT)


def _product_coefficient(rng: random.Random) -> int:
    return _coefficient(rng) * rng.randint(1, MAX_COEFFICIENT)


def _power(rng: random.Random, variable: str) -> Factor:
    return Factor("", variable, rng.randint(1, MAX_EXPONENT))


def _exp(rng: random.Random, variable: str) -> Factor:
    return Factor("exp", variable, 1, rng.randint(1, MAX_COEFFICIENT))


def _sin_or_cos(rng: random.Random, variable: str, power: int = 1) -> Factor:
    return Factor(
        rng.choice(("sin", "cos")),
        variable,
        rng.randint(1, MAX_EXPONENT),
        rng.randint(1, MAX_COEFFICIENT),
        power,
    )


def _single_terms(rng: random.Random, factors: list[Factor]) -> tuple[Term, ...]:
    return tuple(Term(_coefficient(rng), (factor,)) for factor in factors)


def _power_sum(rng: random.Random, x: str) -> tuple[Term, ...]:
    count = rng.choices(list(POWER_SUM_TERMS), weights=list(POWER_SUM_TERMS.values()))[0]
    exponents = rng.sample(range(1, MAX_EXPONENT + 1), count)
    return _single_terms(rng, [Factor("", x, k) for k in exponents])


def _exp_sum(rng: random.Random, x: str) -> tuple[Term, ...]:
    inners = rng.sample(range(1, MAX_COEFFICIENT + 1), 2)
    return _single_terms(rng, [Factor("exp", x, 1, a) for a in inners])


def _mixed_sum(rng: random.Random, x: str) -> tuple[Term, ...]:
    """At least one power and one exp term (powers and inner coefficients distinct), in any order."""
    powers = exps = 1
    if rng.random() < 0.5:
        if rng.random() < 0.5:
            powers += 1
        else:
            exps += 1
    factors = [Factor("", x, k) for k in rng.sample(range(1, MAX_EXPONENT + 1), powers)]
    factors += [Factor("exp", x, 1, a) for a in rng.sample(range(1, MAX_COEFFICIENT + 1), exps)]
    if rng.random() < MIXED_TRIG_SHARE:
        factors.append(_sin_or_cos(rng, x))
    rng.shuffle(factors)
    return _single_terms(rng, factors)


def _trig(rng: random.Random, x: str) -> tuple[Term, ...]:
    return (Term(_coefficient(rng), (_sin_or_cos(rng, x, rng.randint(1, MAX_EXPONENT)),)),)


def _power_exp_product(rng: random.Random, x: str) -> tuple[Term, ...]:
    factors = [_power(rng, x), _exp(rng, x)]
    rng.shuffle(factors)
    return (Term(_product_coefficient(rng), tuple(factors)),)


def _power_trig_product(rng: random.Random, x: str) -> tuple[Term, ...]:
    trig = Factor(rng.choice(("sin", "cos")), x, 1, rng.randint(1, MAX_COEFFICIENT))
    return (Term(_product_coefficient(rng), (_power(rng, x), trig)),)


def _two_variable(rng: random.Random, x: str) -> tuple[Term, ...]:
    """A factor in `x` times a factor in another variable, a constant; either may come first."""
    other = rng.choice(VARIABLES.replace(x, ""))
    kinds = (_power, _exp, _sin_or_cos)
    factors = [rng.choice(kinds)(rng, x), rng.choice(kinds)(rng, other)]
    rng.shuffle(factors)
    return (Term(_product_coefficient(rng), tuple(factors)),)


_SAMPLERS = {
    "power_sum": _power_sum,
    "exp_sum": _exp_sum,
    "mixed_sum": _mixed_sum,
    "trig": _trig,
    "power_exp_product": _power_exp_product,
    "power_trig_product": _power_trig_product,
    "two_variable": _two_variable,
}
