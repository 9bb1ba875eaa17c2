"""The derivative dataset: layout rules, verification, determinism, family shares, splits, CLI."""

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_notation import EXAMPLES

from lstm_utils.derivatives import generator as derivative_data
from lstm_utils.derivatives import notation
from lstm_utils.derivatives.dataset import extra_training_examples, fresh_training_examples
from lstm_utils.derivatives.generator import (
    FAMILY_WEIGHTS,
    SPLIT_SHARES,
    TWO_VARIABLE_PAIRS,
    Example,
    differentiate,
    family_of,
    family_shares,
    function_of,
    generate,
    read_lines,
    split,
    split_paths,
    two_variable_pair,
    write_lines,
)
from lstm_utils.derivatives.notation import (
    MAX_SIDE_LENGTH,
    format_expression,
    format_line,
    is_correct_derivative,
    parse_expression,
    parse_line,
)
from lstm_utils.errors import DataError, LstmTutorialError

SAMPLE_SIZE = 3000
# The public project's notation covers these shapes; each must come out of the printer exactly so.
NOTATION_LINES = {
    "d(2exp^(9z))/dz=18exp^(9z)": "exp",
    "d(3x+5x^2+x)/dx=3+10x+1": "power_sum",
    "d(6x^2*sin^3(5y^2))/dx=12x*sin^3(5y^2)": "two_variable",
    "d(4cos^5(3m^2)*exp^(7k))/dk=28cos^5(3m^2)*exp^(7k)": "two_variable",
    "d(9sin^4(2a)*b^3)/da=72cos(2a)*sin^3(2a)*b^3": "two_variable",
    "d(2y^3*cos^4(3x))/dx=-24y^3*sin(3x)*cos^3(3x)": "two_variable",
    "d(-6sin^2(3x))/dx=-36cos(3x)*sin(3x)": "trig_power",
    "d(-7cos(2x^3))/dx=42x^2*sin(2x^3)": "trig",
    "d(5x^2)/dx=10x": "power",
    "d(exp^(2x)+3exp^(2x)-exp^(5x))/dx=2exp^(2x)+6exp^(2x)-5exp^(5x)": "exp_sum",
    "d(x^3-2exp^(3x))/dx=3x^2-6exp^(3x)": "mixed_sum",
    "d(2x+sin(3x))/dx=2+3cos(3x)": "trig_sum",
    "d(cos^2(2x)*x^4)/dx=-4sin(2x)*cos(2x)*x^4+4cos^2(2x)*x^3": "power_trig_product",
    "d(6x^2*exp^(3x))/dx=12x*exp^(3x)+18x^2*exp^(3x)": "power_exp_product",
}
SHARES_SAMPLE_SIZE = 100_000


@pytest.fixture(scope="module")
def sample() -> list[Example]:
    return generate(SAMPLE_SIZE, seed=11, processes=1, progress=False)


@pytest.fixture(scope="module")
def large_sample() -> list[Example]:
    return generate(SHARES_SAMPLE_SIZE, seed=5, processes=2, progress=False)


@pytest.mark.parametrize(("line", "family"), NOTATION_LINES.items())
def test_every_shape_of_the_notation_prints_exactly_and_has_its_family(line, family):
    function, variable, derivative = parse_line(line)
    assert format_expression(differentiate(parse_expression(function), variable)) == derivative
    assert is_correct_derivative(function, variable, derivative)
    assert family_of(line) == family


def test_two_variable_products_name_their_pair_of_factor_kinds():
    assert two_variable_pair("d(4cos^5(3m^2)*exp^(7k))/dk=28cos^5(3m^2)*exp^(7k)") == ("exp", "trig_power")
    assert two_variable_pair("d(16c^8*sin^7(6n))/dn") == ("power", "trig_power")
    assert two_variable_pair("d(3x*sin(2y))/dx") == ("power", "trig")
    assert two_variable_pair("d(3x+5x^2+x)/dx") is None


@pytest.mark.parametrize("line", EXAMPLES)
def test_layout_rules_print_the_examples_exactly(line):
    function, variable, derivative = parse_line(line)
    assert format_expression(differentiate(parse_expression(function), variable)) == derivative


def test_every_generated_pair_verifies_and_fits(sample):
    for line, family in sample:
        function, variable, derivative = parse_line(line)
        assert is_correct_derivative(function, variable, derivative), line
        assert len(format_line(function, variable)) <= MAX_SIDE_LENGTH, line
        assert len(derivative) <= MAX_SIDE_LENGTH, line
        assert format_expression(parse_expression(function)) == function
        assert format_expression(parse_expression(derivative)) == derivative
        assert family_of(line) == family


def test_generated_pairs_pass_sympy_diff_alone(sample, monkeypatch):
    """Without the memoised fast path, SymPy's full `diff(f) - g == 0` agrees (a sample)."""
    monkeypatch.setattr(notation, "_derivative_polynomial", lambda terms, variable: None)
    for line, _ in sample[::60]:
        assert is_correct_derivative(*parse_line(line)), line


def test_corrupted_derivatives_are_rejected(sample):
    for line, _ in sample[:100]:
        function, variable, derivative = parse_line(line)
        first, *rest = parse_expression(derivative)
        corrupted = [
            (first._replace(coefficient=-first.coefficient), *rest),
            (first._replace(coefficient=2 * first.coefficient), *rest),
        ]
        if rest:
            corrupted.append((first, *rest[:-1]))
        for terms in corrupted:
            assert not is_correct_derivative(function, variable, format_expression(terms)), line


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from(list(FAMILY_WEIGHTS)))
def test_every_family_verifies_for_any_seed(seed, family):
    line = derivative_data._sample_line(random.Random(seed), family)
    assert is_correct_derivative(*parse_line(line))
    assert family_of(line) == family


def test_an_example_splits_into_what_a_model_reads_and_writes():
    example = Example("d(2sin^3(4y^2))/dy=48y*cos(4y^2)*sin^2(4y^2)", "trig")
    assert (example.source, example.target) == ("d(2sin^3(4y^2))/dy", "48y*cos(4y^2)*sin^2(4y^2)")


def test_generated_lines_are_distinct(sample):
    lines = [example.line for example in sample]
    assert len(set(lines)) == len(lines) == SAMPLE_SIZE


def test_family_shares_are_close_to_the_public_data(large_sample):
    shares = family_shares([example.family for example in large_sample])
    for family, weight in FAMILY_WEIGHTS.items():
        assert shares[family] == pytest.approx(weight, abs=0.02), family
        assert shares[family] > 0, family
    # Within two-variable products, every pair of factor kinds, at about its share.
    pairs = [two_variable_pair(e.line) for e in large_sample if e.family == "two_variable"]
    total = sum(TWO_VARIABLE_PAIRS.values())
    for pair, weight in TWO_VARIABLE_PAIRS.items():
        assert pairs.count(pair) / len(pairs) == pytest.approx(weight / total, abs=0.03), pair


def test_the_shapes_the_old_generator_missed_are_made(large_sample):
    lines = [example.line for example in large_sample]
    repeated_power = [line for line, family in large_sample if family == "power_sum" and _repeats_a_term_shape(line)]
    assert repeated_power, "no power sum with the same power twice"
    assert any(family == "exp" for _, family in large_sample)
    # A constant factor keeps its power: d(27exp^(6s)*cos^8(4x^6))/ds=162exp^(6s)*cos^8(4x^6).
    kept = [line for line in lines if two_variable_pair(line) == ("exp", "trig_power")]
    for line in kept[:200]:
        function, variable, derivative = parse_line(line)
        constant = next(f for f in parse_expression(function)[0].factors if f.variable != variable)
        assert constant in parse_expression(derivative)[0].factors, line


def _repeats_a_term_shape(line: str) -> bool:
    function, _, _ = parse_line(line)
    exponents = [term.factors[0].exponent for term in parse_expression(function)]
    return len(set(exponents)) < len(exponents)


def test_fresh_training_lines_hold_no_validation_or_test_function(sample):
    dataset = {name: [Example(line, family_of(line)) for line in lines] for name, lines in split([e.line for e in sample], 11).items()}
    first = fresh_training_examples(dataset, 500, seed=11, draw=0, progress=False)
    second = fresh_training_examples(dataset, 500, seed=11, draw=1, progress=False)
    held_out = {function_of(e.line) for name in ("validation", "test") for e in dataset[name]}
    assert not {function_of(e.line) for e in first + second} & held_out
    assert len(set(first) & set(second)) < 50  # Another draw, other lines (short shapes may recur).
    assert first == fresh_training_examples(dataset, 500, seed=11, draw=0, progress=False)


def test_the_same_seed_gives_the_same_lines_with_any_number_of_processes(sample):
    assert generate(1200, seed=11, processes=2, progress=False) == sample[:1200]
    assert generate(1200, seed=12, processes=1, progress=False) != sample[:1200]


def test_one_family_alone_with_held_out_functions_left_out(sample):
    held_out = frozenset(function_of(example.line) for example in sample)
    extra = generate(600, seed=11, processes=2, progress=False, family="two_variable", exclude_functions=held_out)
    assert len({example.line for example in extra}) == 600
    assert {example.family for example in extra} == {"two_variable"}
    assert {family_of(example.line) for example in extra} == {"two_variable"}
    assert not {function_of(example.line) for example in extra} & held_out
    assert extra == generate(600, seed=11, processes=1, progress=False, family="two_variable", exclude_functions=held_out)
    # A random stream of its own: not the mixed sample's two-variable lines over again.
    mixed = [example for example in sample if example.family == "two_variable"]
    assert not set(generate(len(mixed), seed=11, processes=1, progress=False, family="two_variable")) & set(mixed)
    with pytest.raises(LstmTutorialError, match="Unknown family 'three_variable'"):
        generate(5, seed=0, processes=1, progress=False, family="three_variable")


def test_extra_training_examples_share_no_function_with_any_split(sample):
    dataset = {name: [Example(line, family_of(line)) for line in lines] for name, lines in split([e.line for e in sample], 11).items()}
    extra = extra_training_examples(dataset, "trig", 300, seed=11, progress=False)
    assert len(extra) == 300 and {example.family for example in extra} == {"trig"}
    seen = {function_of(example.line) for examples in dataset.values() for example in examples}
    assert not {function_of(example.line) for example in extra} & seen


def test_a_pair_that_fails_verification_stops_the_run(monkeypatch):
    monkeypatch.setattr(derivative_data, "terms_are_derivative", lambda *arguments: False)
    with pytest.raises(RuntimeError, match="Generator bug"):
        generate(5, seed=0, processes=1, progress=False)


@pytest.mark.parametrize(
    ("n", "processes", "message"),
    [(0, 1, "from 1 to"), (-3, 1, "from 1 to"), (10**9, 1, "from 1 to"), (10, 0, "must be positive")],
)
def test_bad_counts_are_refused(n, processes, message):
    with pytest.raises(LstmTutorialError, match=message):
        generate(n, seed=0, processes=processes, progress=False)


def test_split_proportions_and_no_function_in_two_splits(sample):
    lines = [example.line for example in sample]
    # Two-variable products can share a function; make sure some groups have two lines.
    lines += ["d(4z^3*cos(2m^5))/dz=12z^2*cos(2m^5)", "d(4z^3*cos(2m^5))/dm=-40z^3*m^4*sin(2m^5)"]
    parts = split(lines, seed=3)
    assert list(parts) == list(SPLIT_SHARES)
    for name, share in SPLIT_SHARES.items():
        assert len(parts[name]) == pytest.approx(share * len(lines), abs=2)
    functions = {name: {function_of(line) for line in part} for name, part in parts.items()}
    assert not functions["train"] & functions["validation"]
    assert not functions["train"] & functions["test"]
    assert not functions["validation"] & functions["test"]
    assert sorted(line for part in parts.values() for line in part) == sorted(lines)
    assert split(lines, seed=3) == parts != split(lines, seed=4)


def test_lines_round_trip_through_a_file(tmp_path, sample):
    lines = [example.line for example in sample[:50]]
    path = tmp_path / "sub" / "data.txt"
    write_lines(path, lines)
    assert read_lines(path) == lines
    assert split_paths(path)["validation"] == tmp_path / "sub" / "data_validation.txt"


def test_missing_and_malformed_files_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="No derivative dataset"):
        read_lines(tmp_path / "missing.txt")
    with pytest.raises(DataError, match="Not a derivative line"):
        function_of("3x=3")


def run_cli(*arguments):
    return subprocess.run(
        [sys.executable, "-m", "lstm_utils", "generate-derivatives", *arguments],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )


def test_cli_writes_the_lines_the_splits_and_a_summary(tmp_path):
    out = tmp_path / "data.txt"
    result = run_cli("--n", "400", "--seed", "5", "--out", str(out), "--split", "--processes", "1")
    assert result.returncode == 0, result.stderr
    lines = read_lines(out)
    assert len(lines) == len(set(lines)) == 400
    assert lines == [e.line for e in generate(400, seed=5, processes=1, progress=False)]
    parts = {name: read_lines(path) for name, path in split_paths(out).items()}
    assert parts == split(lines, seed=5)
    for family in FAMILY_WEIGHTS:
        assert family in result.stdout
    assert "lines/s" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--n", "0"], "must be from 1 to 10,000,000, got 0"),
        (["--n", "-3"], "must be from 1 to 10,000,000, got -3"),
        (["--n", "1000000000"], "must be from 1 to 10,000,000, got 1,000,000,000"),
        (["--n", "5", "--processes", "0"], "must be positive"),
        (["--n", "5", "--out-under-a-file"], "is not a writable folder"),
        (["--n", "5", "--out-is-a-folder"], "it is a folder"),
        (["--n", "5", "--out-in-proc"], "/proc is not a writable folder"),
    ],
)
def test_cli_errors_are_one_line(tmp_path, arguments, message):
    blocker = tmp_path / "file.txt"
    blocker.write_text("")
    # Nobody, root included, can create files in /proc, whatever its permission bits say.
    out = {
        "--out-under-a-file": blocker / "data.txt",
        "--out-is-a-folder": tmp_path,
        "--out-in-proc": Path("/proc/lstm_tutorial_test/data.txt"),
    }
    flags = [a for a in arguments if a not in out]
    target = next((out[a] for a in arguments if a in out), tmp_path / "data.txt")
    result = run_cli(*flags, "--out", str(target))
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data.txt").exists()


def test_cli_help_and_usage():
    assert run_cli("--help").returncode == 0
    assert run_cli("--n", "5").returncode == 2  # --out is required


def test_training_passes_are_the_split_then_cached_fresh_draws(monkeypatch):
    from lstm_utils.derivatives import dataset as derivative_dataset

    passes = derivative_dataset.training_passes(400, seed=3, passes=3, progress=False)
    dataset = derivative_dataset.load_dataset(400, seed=3, progress=False)
    assert passes[0] == dataset["train"] and len(passes) == 3
    assert all(len(draw) == len(dataset["train"]) for draw in passes)
    held_out = {function_of(e.line) for name in ("validation", "test") for e in dataset[name]}
    assert not {function_of(e.line) for draw in passes[1:] for e in draw} & held_out
    # A second call reads the draws back instead of generating them again.
    monkeypatch.setattr(derivative_dataset, "fresh_training_examples", lambda *a, **k: pytest.fail("generated again"))
    assert derivative_dataset.training_passes(400, seed=3, passes=3, progress=False) == passes


def test_fresh_draws_can_give_the_weakest_kinds_a_larger_share():
    from lstm_utils.derivatives import dataset as derivative_dataset

    dataset = derivative_dataset.load_dataset(400, seed=3, progress=False)
    extra = {"two_variable": 0.3, "trig_sum": 0.05}
    draw = fresh_training_examples(dataset, 2000, seed=3, draw=1, progress=False, extra_shares=extra)
    assert len(draw) == 2000 and len({e.line for e in draw}) == 2000
    shares = family_shares([e.family for e in draw])
    for family, share in extra.items():
        assert share + (1 - sum(extra.values())) * FAMILY_WEIGHTS[family] == pytest.approx(shares[family], abs=0.03)
    held_out = {function_of(e.line) for name in ("validation", "test") for e in dataset[name]}
    assert not {function_of(e.line) for e in draw} & held_out
    assert fresh_training_examples(dataset, 2000, seed=3, draw=1, progress=False, extra_shares=extra) == draw
    # Weighted draws are cached apart from plain ones, and read back.
    assert derivative_dataset._fresh_draw_path(400, 3, 1, extra) != derivative_dataset._fresh_draw_path(400, 3, 1)
    passes = derivative_dataset.training_passes(400, seed=3, passes=2, progress=False, extra_shares=extra)
    assert passes[1] == fresh_training_examples(dataset, len(dataset["train"]), seed=3, draw=1, progress=False, extra_shares=extra)
    assert derivative_dataset._fresh_draw_path(400, 3, 1, extra).is_file()
    assert derivative_dataset.fresh_draws_generation_seconds(400, seed=3, passes=2, extra_shares=extra) > 0
    # Shares that leave no room for the mixed lines still give `n` lines.
    assert len(fresh_training_examples(dataset, 3, seed=3, draw=1, progress=False, extra_shares={"exp": 0.5, "power": 0.49})) == 3
    for bad in ({"no_such_kind": 0.1}, {"two_variable": 1.0}, {"two_variable": -0.1}):
        with pytest.raises(LstmTutorialError, match="extra_shares"):
            fresh_training_examples(dataset, 100, seed=3, draw=1, progress=False, extra_shares=bad)


def test_generation_time_of_fresh_draws_is_what_generating_them_took_not_reading_them(monkeypatch):
    from lstm_utils.derivatives import dataset as derivative_dataset

    derivative_dataset.training_passes(400, seed=3, passes=3, progress=False)
    recorded = [
        float(derivative_dataset._fresh_draw_path(400, 3, draw).read_text().splitlines()[0].split("\t")[1])
        for draw in (1, 2)
    ]
    assert all(seconds > 0 for seconds in recorded)
    assert derivative_dataset.fresh_draws_generation_seconds(400, seed=3, passes=3) == pytest.approx(sum(recorded))
    assert derivative_dataset.fresh_draws_generation_seconds(400, seed=3, passes=1) == 0
    damaged = derivative_dataset._fresh_draw_path(400, 3, 2)
    damaged.write_text("no header\n")
    with pytest.raises(DataError, match="damaged"):
        derivative_dataset.fresh_draws_generation_seconds(400, seed=3, passes=3)
