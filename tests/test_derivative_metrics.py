"""Metrics for predicted derivative strings."""

import pytest

from lstm_utils.derivative_metrics import (
    accuracy_by_group,
    exact_match,
    sympy_equivalence,
    token_accuracy,
)


def test_exact_match_counts_whole_strings():
    assert exact_match(["12t^3+1", "15sin(5u)"], ["12t^3+1", "-15sin(5u)"]) == 0.5


def test_token_accuracy_compares_position_by_position():
    # 10exp^(2k) is 8 tokens (1 0 exp ^ ( 2 k )), and one digit differs.
    assert token_accuracy(["11exp^(2k)"], ["10exp^(2k)"]) == pytest.approx(7 / 8)
    # A short prediction misses the rest; an unreadable one scores nothing.
    assert token_accuracy(["12"], ["12t^3"]) == pytest.approx(2 / 5)
    assert token_accuracy(["#?"], ["12t"]) == 0.0


def test_sympy_equivalence_accepts_other_layouts_and_rejects_errors():
    verdicts = sympy_equivalence(
        ["3t^4+t", "3t^4+t", "-3cos(5u)", "-3cos(5u)"],
        ["t", "t", "u", "u"],
        ["1+12t^3", "12t^3", "15sin(5u)", "15sin(5u"],
    )
    assert verdicts == [True, False, True, False]


def test_accuracy_by_group():
    table = accuracy_by_group([True, False, True, True], ["trig", "trig", "exp_sum", "trig"])
    assert table == {
        "exp_sum": {"accuracy": 1.0, "examples": 1},
        "trig": {"accuracy": pytest.approx(2 / 3), "examples": 3},
    }
