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

from ..errors import DataError, LstmTutorialError
from ..files import atomic_write_bytes
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

# Share of each family among the lines: the shares the public dataset's own sample has, by coarse
# kind of function (issue 28); two-variable products spread theirs over pairs of factor kinds.
FAMILY_WEIGHTS = {
    "trig_power": 0.23,  # 2sin^3(4y^2): one sin or cos term raised to a power of 2 or more
    "power_sum": 0.18,  # 3x+5x^2+x: two to four powers, the same power possibly twice
    "exp_sum": 0.17,  # 5exp^(2k)+exp^(9k): two to four exp terms
    "power_exp_product": 0.165,  # 6w^2*exp^(3w) or 7exp^(2b)*b^3
    "two_variable": 0.16,  # 16c^8*sin^7(6n) by n: c^8 is a constant
    "trig": 0.045,  # -3cos(5u^2): one plain sin or cos term
    "mixed_sum": 0.015,  # 4x^2-exp^(3x): powers and exp terms
    "power": 0.014,  # 7x^3: one power term
    "exp": 0.013,  # 5exp^(13b): one exp term
    "trig_sum": 0.003,  # 2x+sin(3x): a sum with a sin or cos term
    "power_trig_product": 0.001,  # 12x^2*sin(3x) or cos^2(2x)*x^4
}
# Two-variable products by the kinds of their two factors, named in alphabetical order (either may
# be the one in the variable differentiated by, and either may come first): the public sample's
# shares within the family.
TWO_VARIABLE_PAIRS = {
    ("exp", "power"): 0.076,
    ("power", "trig_power"): 0.043,
    ("exp", "trig_power"): 0.026,
    ("power", "trig"): 0.006,
    ("exp", "trig"): 0.006,
    ("trig", "trig_power"): 0.003,
    ("trig", "trig"): 0.001,
    ("power", "power"): 0.001,
    ("exp", "exp"): 0.001,
    ("trig_power", "trig_power"): 0.001,
}
SPLIT_SHARES = {"train": 0.75, "validation": 0.10, "test": 0.15}

MAX_COEFFICIENT = 20  # leading and inner coefficients are 1 to 20; a product's, two such multiplied
MAX_EXPONENT = 11  # powers x^k and sin^n run up to 11
# How many terms a sum has: as many with two as with three or four.
SUM_TERMS = {2: 1 / 3, 3: 1 / 3, 4: 1 / 3}
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
    stream: str = "",
) -> list[Example]:
    """`n` distinct, verified lines with their families, the same for a seed on any machine.

    Chunks of `CHUNK_SIZE` lines, each seeded by (seed, chunk index), run on `processes` workers
    (default: every core; 1 runs in this process) and are read back in order; the first `n`
    distinct lines are kept. A progress bar goes to standard error unless `progress` is False.
    With `family`, every line is of that family, drawn from a random stream of its own (so not
    the same lines as the mixed dataset of that seed); a line whose function is in
    `exclude_functions` (see `function_of`) is skipped, so that extra training lines can be
    made without touching a held-out split. A `stream` name gives the seed another random
    stream (fresh training lines for each pass over the data, say).
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
            tasks = [(seed, index, family, stream) for index in range(chunks_done, chunks_done + count)]
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
    if len(kinds) == 1:
        factors = kinds[0]
        if len(factors) == 1 and factors[0] != "constant":
            return factors[0]
        if len(factors) == 2:
            if factors.count("constant") == 1:
                return "two_variable"
            pair = set(factors)
            if pair == {"power", "exp"}:
                return "power_exp_product"
            if len(pair) == 2 and pair <= {"power", "trig", "trig_power"} and "power" in pair:
                return "power_trig_product"
        return "other"
    if all(len(factors) == 1 for factors in kinds):
        singles = {factors[0] for factors in kinds}
        if "constant" in singles:
            return "other"
        if singles == {"power"}:
            return "power_sum"
        if singles == {"exp"}:
            return "exp_sum"
        if singles == {"power", "exp"}:
            return "mixed_sum"
        return "trig_sum"
    return "other"


def two_variable_pair(line: str) -> tuple[str, str] | None:
    """The kinds of a two-variable product's factors, as the keys of `TWO_VARIABLE_PAIRS`."""
    function, variable, _ = parse_line(line)
    terms = parse_expression(function)
    if _family(terms, variable) != "two_variable":
        return None
    return tuple(sorted(_factor_kind(factor) for factor in terms[0].factors))


def _factor_kind(factor: Factor) -> str:
    """power, exp, trig (a plain sin or cos) or trig_power (one raised to a power of 2 or more)."""
    if not factor.function:
        return "power"
    if factor.function == "exp":
        return "exp"
    return "trig" if factor.power == 1 else "trig_power"


def _kind_of(variable: str):
    def kind(factor: Factor) -> str:
        return "constant" if factor.variable != variable else _factor_kind(factor)

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


def _generate_chunk(task: tuple[int, int, str | None, str]) -> list[tuple[str, str]]:
    seed, index, family, stream = task
    prefix = f"derivatives/{stream}/" if stream else "derivatives/"
    if family is None:
        rng = random.Random(f"{prefix}{seed}/{index}")
        families = rng.choices(
            list(FAMILY_WEIGHTS), weights=list(FAMILY_WEIGHTS.values()), k=CHUNK_SIZE
        )
    else:
        rng = random.Random(f"{prefix}{family}/{seed}/{index}")
        families = [family] * CHUNK_SIZE
    return [(_sample_line(rng, family), family) for family in families]


def _sample_line(rng: random.Random, family: str) -> str:
    """One verified line of `family`, drawn again until both sides fit in 30 characters.

    A two-variable product's pair of factor kinds is drawn once, before the length check, so that
    the long pairs (a powered sin times a powered cos) keep their share among the lines that fit.
    """
    if family == "two_variable":
        pairs = list(TWO_VARIABLE_PAIRS)
        sampler = _two_variable(rng.choices(pairs, weights=list(TWO_VARIABLE_PAIRS.values()))[0])
    else:
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


def _plain_trig(rng: random.Random, variable: str) -> Factor:
    return _sin_or_cos(rng, variable, 1)


def _powered_trig(rng: random.Random, variable: str) -> Factor:
    return _sin_or_cos(rng, variable, rng.randint(2, MAX_EXPONENT))


def _sin_or_cos(rng: random.Random, variable: str, power: int) -> Factor:
    return Factor(
        rng.choice(("sin", "cos")),
        variable,
        rng.randint(1, MAX_EXPONENT),
        rng.randint(1, MAX_COEFFICIENT),
        power,
    )


_FACTORS = {"power": _power, "exp": _exp, "trig": _plain_trig, "trig_power": _powered_trig}


def _single(kind: str):
    def sampler(rng: random.Random, x: str) -> tuple[Term, ...]:
        return (Term(_coefficient(rng), (_FACTORS[kind](rng, x),)),)

    return sampler


def _sum(kinds: tuple[str, ...], required: tuple[str, ...] = ()):
    """Two to four terms of `kinds`, each of `required` among them, in any order.

    Terms are drawn independently, so the same power or exp term may come twice (`3x+5x^2+x`):
    like terms are never combined.
    """

    def sampler(rng: random.Random, x: str) -> tuple[Term, ...]:
        count = rng.choices(list(SUM_TERMS), weights=list(SUM_TERMS.values()))[0]
        chosen = list(required) + rng.choices(kinds, k=count - len(required))
        rng.shuffle(chosen)
        return tuple(Term(_coefficient(rng), (_FACTORS[kind](rng, x),)) for kind in chosen)

    return sampler


def _trig_sum(rng: random.Random, x: str) -> tuple[Term, ...]:
    """At least one sin or cos term (plain or powered) among powers and exp terms."""
    return _sum(tuple(_FACTORS), (rng.choice(("trig", "trig_power")),))(rng, x)


def _product(first: tuple[str, ...], second: tuple[str, ...]):
    """A factor of a kind in `first` times one of a kind in `second`, both in x, in either order."""

    def sampler(rng: random.Random, x: str) -> tuple[Term, ...]:
        factors = [_FACTORS[rng.choice(first)](rng, x), _FACTORS[rng.choice(second)](rng, x)]
        rng.shuffle(factors)
        return (Term(_product_coefficient(rng), tuple(factors)),)

    return sampler


def _two_variable(pair: tuple[str, str]):
    """A factor in `x` times a factor in another variable, a constant: their kinds are `pair`, in
    either role and either order."""

    def sampler(rng: random.Random, x: str) -> tuple[Term, ...]:
        other = rng.choice(VARIABLES.replace(x, ""))
        kinds = list(pair)
        rng.shuffle(kinds)
        factors = [_FACTORS[kinds[0]](rng, x), _FACTORS[kinds[1]](rng, other)]
        rng.shuffle(factors)
        return (Term(_product_coefficient(rng), tuple(factors)),)

    return sampler


_SAMPLERS = {
    "trig_power": _single("trig_power"),
    "power_sum": _sum(("power",)),
    "exp_sum": _sum(("exp",)),
    "power_exp_product": _product(("power",), ("exp",)),
    "trig": _single("trig"),
    "mixed_sum": _sum(("power", "exp"), ("power", "exp")),
    "power": _single("power"),
    "exp": _single("exp"),
    "trig_sum": _trig_sum,
    "power_trig_product": _product(("power",), ("trig", "trig_power")),
}
