"""The derivative notation: tokens, parser, printer, error positions and the SymPy check."""

import pickle

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_utils.derivatives import notation
from lstm_utils.derivatives.notation import (
    VARIABLES,
    Factor,
    Line,
    Term,
    detokenize,
    equivalent,
    format_expression,
    format_line,
    is_correct_derivative,
    parse_expression,
    parse_line,
    to_sympy,
    tokenize,
)
from lstm_utils.errors import LstmTutorialError, NotationError

# The examples, each checked by hand; the last one comes from the public data.
EXAMPLES = [
    "d(3t^4+t)/dt=12t^3+1",
    "d(5exp^(2k)+exp^(9k))/dk=10exp^(2k)+9exp^(9k)",
    "d(2sin^3(4y^2))/dy=48y*cos(4y^2)*sin^2(4y^2)",
    "d(-3cos(5u))/du=15sin(5u)",
    "d(6w^2*exp^(3w))/dw=12w*exp^(3w)+18w^2*exp^(3w)",
    "d(7exp^(2b)*b^3)/db=14exp^(2b)*b^3+21exp^(2b)*b^2",
    "d(4z^3*cos(2m^5))/dm=-40z^3*m^4*sin(2m^5)",
    "d(9sin(2p)*r^4)/dr=36sin(2p)*r^3",
    "d(12x^2*sin(3x))/dx=24x*sin(3x)+36x^2*cos(3x)",
    "d(5cos^2(3n^4))/dn=-120n^3*sin(3n^4)*cos(3n^4)",
]
# Wrong targets of the kinds found in the public data, and other plausible model mistakes.
WRONG = [
    "d(4z^3*cos(2m^5))/dm=40z^3*m^4*sin(2m^5)",  # dropped minus of cos' = -sin
    "d(3t^2+t)/dt=6t",  # the coefficient-1 linear term differentiated to nothing
    "d(3t^4+t)/dt=12t^3",
    "d(2sin^3(4y^2))/dy=48y*cos(4y^2)*sin(4y^2)",  # power not lowered
    "d(5exp^(2k)+exp^(9k))/dk=10exp^(2k)+exp^(9k)",  # inner coefficient forgotten
    "d(9sin(2p)*r^4)/dr=36cos(2p)*r^3",  # the constant factor differentiated
    "d(6w^2*exp^(3w))/dw=12w*exp^(3w)",  # half of the product rule
]


@pytest.mark.parametrize("line", EXAMPLES)
def test_examples_parse_print_back_and_verify(line):
    function, variable, derivative = parse_line(line)
    assert format_line(function, variable, derivative) == line
    for text in (function, derivative):
        assert format_expression(parse_expression(text)) == text
    assert is_correct_derivative(function, variable, derivative)


@pytest.mark.parametrize("line", WRONG)
def test_wrong_derivatives_are_rejected(line):
    assert not is_correct_derivative(*parse_line(line))


def test_a_different_layout_of_the_right_answer_is_accepted():
    assert is_correct_derivative("3t^2+t", "t", "1+6t")
    assert is_correct_derivative("3t^2+t", "t", "2t+1+4t")
    assert is_correct_derivative("2sin^3(4y^2)", "y", "48sin^2(4y^2)*y*cos(4y^2)")
    # Outside the fast polynomial form (exp^(2x)^2 is exp^(4x)): SymPy's full check decides.
    assert is_correct_derivative("exp^(2x)*exp^(2x)", "x", "4exp^(4x)")


def test_equivalent():
    assert equivalent("2x+3x", "5x")
    assert equivalent("x^2*x", "x^3")
    assert equivalent("sin(2x)*sin(2x)", "sin^2(2x)")
    assert equivalent("exp^(2x)*exp^(3x)", "exp^(5x)")
    assert not equivalent("sin(x)", "cos(x)")
    assert not equivalent("2x", "2y")


def test_to_sympy_builds_the_expected_expression():
    u, n = sympy.symbols("u n")
    assert to_sympy("-3cos(5u)") == -3 * sympy.cos(5 * u)
    assert to_sympy("-120n^3*sin(3n^4)*cos(3n^4)") == (
        -120 * n**3 * sympy.sin(3 * n**4) * sympy.cos(3 * n**4)
    )
    assert to_sympy("e+i") == sympy.Symbol("e") + sympy.Symbol("i")  # plain variables


def test_tokens():
    assert tokenize("d(-3cos(5u))/du=15sin(5u)") == [
        "d", "(", "-", "3", "cos", "(", "5", "u", ")", ")", "/", "d", "u",
        "=", "1", "5", "sin", "(", "5", "u", ")",
    ]  # fmt: skip
    assert tokenize("12exp^(3s)") == ["1", "2", "exp", "^", "(", "3", "s", ")"]


@pytest.mark.parametrize("line", EXAMPLES)
def test_detokenize_inverts_tokenize_on_examples(line):
    assert detokenize(tokenize(line)) == line


@given(st.text(alphabet="0123456789()^*+-/=d" + VARIABLES, max_size=40))
def test_detokenize_inverts_tokenize(text):
    assert detokenize(tokenize(text)) == text


def test_unknown_symbol_is_reported_with_its_position():
    with pytest.raises(NotationError) as caught:
        tokenize("3x+2f")
    assert caught.value.position == 4
    assert "unknown symbol 'f' at position 4" in str(caught.value)


def _factors(variable):
    one = st.just(1)
    powers = st.builds(Factor, st.just(""), variable, st.integers(1, 11), one, one)
    exps = st.builds(Factor, st.just("exp"), variable, st.integers(1, 3), st.integers(1, 20), one)
    trig = st.builds(
        Factor,
        st.sampled_from(["sin", "cos"]),
        variable,
        st.integers(1, 11),
        st.integers(1, 20),
        st.integers(1, 11),
    )
    return st.one_of(powers, exps, trig)


_COEFFICIENTS = st.integers(-500, 500).filter(bool)
_TERMS = st.lists(
    st.builds(
        Term,
        _COEFFICIENTS,
        st.lists(_factors(st.sampled_from(VARIABLES)), max_size=3).map(tuple),
    ),
    min_size=1,
    max_size=4,
).map(tuple)


@given(_TERMS)
def test_printer_and_parser_are_inverse(terms):
    text = format_expression(terms)
    assert parse_expression(text) == terms
    assert format_expression(parse_expression(text)) == text
    assert detokenize(tokenize(text)) == text


@given(st.text(alphabet="0123456789()^*+-xsinco", max_size=12))
def test_whatever_parses_prints_back_unchanged(text):
    try:
        terms = parse_expression(text)
    except NotationError:
        return
    assert format_expression(terms) == text


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("", 0, "a line starts with 'd('"),
        ("d()/dx", 2, "empty expression"),
        ("d(3x)/dx=", 9, "empty expression"),
        ("d(sin(2x)/dx=2cos(2x)", 1, "'(' is never closed"),
        ("d(3x)/dx=3)", 10, "unmatched ')'"),
        ("sin(2x", 3, "'(' is never closed"),
        ("sin(2x+1)", 6, "expected ')' to close the '(' at position 3"),
        ("d(tan(x))/dx", 2, "unknown function or name 'tan'"),
        ("5sinh(x)", 4, "expected '(' after 'sin'"),
        ("exp(2x)", 3, "'exp' is followed by '^('"),
        ("sin(cos(x))", 4, "nested function 'cos'"),
        ("3q", 1, "'q' is not a variable"),
        ("2xy", 1, "unknown function or name 'xy'"),
        ("d(3x)/dq", 7, "expected the variable after '/d'"),
        ("d(3x)/dx=3x x", 11, "expected '*', '+', '-' or the end, found ' '"),
        ("d(3x)/dxx", 8, "expected '=' or the end"),
        ("3x+", 3, "expected a term, found the end"),
        ("3x+-2", 3, "expected a term, found '-'"),
        ("x^", 2, "expected an exponent"),
        ("x^1", 2, "exponents start at 2"),
        ("1x", 0, "a coefficient of 1 is not written"),
        ("3*x", 1, "a coefficient goes right before its factor"),
        ("sin(1x)", 4, "a coefficient inside a function is at least 2"),
        ("07x", 0, "leading zero"),
        ("0x", 0, "a zero term"),
        ("x*2", 2, "expected a variable, exp, sin or cos, found '2'"),
    ],
)
def test_malformed_text_says_what_and_where(text, position, message):
    parse = parse_line if text.startswith("d") or not text else parse_expression
    with pytest.raises(NotationError) as caught:
        parse(text)
    assert caught.value.position == position
    assert message in str(caught.value)
    assert f"at position {position}" in str(caught.value)
    assert isinstance(caught.value, LstmTutorialError)


def test_parse_line_without_a_derivative():
    assert parse_line("d(9sin(2p)*r^4)/dr") == Line("9sin(2p)*r^4", "r", None)


def test_unknown_variable_of_differentiation_is_an_error():
    with pytest.raises(NotationError, match="not a variable"):
        is_correct_derivative("3x", "q", "3")


def test_notation_error_survives_pickling():
    """Worker processes send errors back to the parent by pickling them."""
    error = pickle.loads(pickle.dumps(NotationError("unknown symbol 'f'", "3f", 1)))
    assert (error.position, str(error)) == (1, "unknown symbol 'f' at position 1 of '3f'")


def test_fast_check_agrees_with_sympy_alone(monkeypatch):
    """The memoised polynomial check must give SymPy's own verdict on right and wrong answers."""
    cases = [(line, True) for line in EXAMPLES] + [(line, False) for line in WRONG]
    fast = [is_correct_derivative(*parse_line(line)) for line, _ in cases]
    monkeypatch.setattr(notation, "_derivative_polynomial", lambda terms, variable: None)
    slow = [is_correct_derivative(*parse_line(line)) for line, _ in cases]
    assert fast == slow == [expected for _, expected in cases]


@settings(max_examples=60, deadline=None)
@given(_TERMS, st.sampled_from(VARIABLES))
def test_fast_check_agrees_with_sympy_diff(terms, variable):
    x = sympy.Symbol(variable)
    expected = sympy.diff(notation.terms_to_sympy(terms), x)
    assert notation.terms_are_derivative(terms, variable, _from_sympy(expected))
    if expected != 0:
        assert not notation.terms_are_derivative(terms, variable, _from_sympy(2 * expected))


def _from_sympy(expression):
    """A tree for a SymPy sum of products of our atoms, read independently of the notation code."""
    terms = []
    for term in sympy.Add.make_args(sympy.expand(expression)):
        if term == 0:
            continue
        coefficient, factors = term.as_coeff_mul()
        converted = []
        for factor in factors:
            base, power = factor.as_base_exp() if factor.is_Pow else (factor, 1)
            if base.is_Symbol:
                converted.append(Factor("", base.name, int(power)))
                continue
            inner, rest = base.args[0].as_coeff_Mul()
            rest, exponent = rest.as_base_exp()
            name = type(base).__name__
            converted.append(Factor(name, rest.name, int(exponent), int(inner), int(power)))
        terms.append(Term(int(coefficient), tuple(converted)))
    return tuple(terms)
