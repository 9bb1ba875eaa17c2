"""Metrics for predicted derivative strings."""

import pytest

from lstm_utils.derivatives.metrics import (
    accuracy_by_group,
    error_kind,
    exact_match,
    shares_by_group,
    sympy_equivalence,
    token_accuracy,
)
from lstm_utils.derivatives.notation import parse_line


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


@pytest.mark.parametrize(
    ("line", "prediction", "kind"),
    [
        ("d(10z^6*p^4)/dp=40z^6*p^3", "40z^6*p^3", None),
        ("d(3t^4+t)/dt=12t^3+1", "1+12t^3", "another layout"),
        # The derivative by z where p was asked, although its layout matches the target's.
        ("d(10z^6*p^4)/dp=40z^6*p^3", "60z^5*p^4", "the other variable"),
        ("d(54b^9*p^11)/db=486b^8*p^11", "594b^8*p^11", "a number"),
        ("d(-4t^2+9t^10)/dt=-8t+90t^9", "-8t-90t^9", "a sign"),
        ("d(143cos(10k^4)*a)/da=143cos(10k^4)", "143cos(10k^4)*a", "the structure"),
        ("d(3t^4+t)/dt=12t^3+1", "12t^3+(", "the structure"),
    ],
)
def test_error_kind_names_what_went_wrong(line, prediction, kind):
    parsed = parse_line(line)
    assert error_kind(parsed.function, parsed.variable, prediction, parsed.derivative) == kind


def test_shares_by_group_counts_each_label_within_its_group():
    table = shares_by_group(["a number", None, "a sign", "a number"], ["trig", "trig", "exp_sum", "trig"])
    assert table == {"exp_sum": {"a sign": 1.0}, "trig": {"a number": pytest.approx(2 / 3)}}
