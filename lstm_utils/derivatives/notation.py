"""The derivative notation, as in `d(5cos^2(3n^4))/dn=-120n^3*sin(3n^4)*cos(3n^4)`.

Tokens for the model, a parser to an expression tree, the printer back, and the SymPy check that
a derivative is right. The notation is strict: every expression has one spelling, so
`format_expression(parse_expression(s)) == s` holds for every accepted `s`, and `1x`, `x^1` or
`3*x` are rejected rather than read as x, x and 3x.

Grammar (no spaces anywhere):

    line       d(expression)/dVARIABLE[=expression]
    expression [-]term{(+|-)term}
    term       NUMBER | [NUMBER]factor{*factor}       a written coefficient is at least 2;
                                                       0 only as the whole expression
    factor     VARIABLE[^N] | exp^(argument) | sin[^N](argument) | cos[^N](argument)
    argument   [NUMBER]VARIABLE[^N]                    N is at least 2
"""

import functools
import re
from typing import NamedTuple

import sympy

from ..errors import NotationError

VARIABLES = "abceikmnoprstuvwxyz"
FUNCTIONS = ("exp", "sin", "cos")
# Both sides of a line, the `d(...)/dx` wrapper included on the left, are at most this long.
MAX_SIDE_LENGTH = 30

_VARIABLE_SET = frozenset(VARIABLES)
_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_TOKEN = re.compile(r"exp|sin|cos|[0-9()^*+\-/=d" + VARIABLES + "]")


class Factor(NamedTuple):
    """One factor of a term.

    `function` is "" for a power of the variable (`variable^exponent`), else "exp", "sin" or
    "cos" of the argument `inner·variable^exponent`, raised to `power` (sin and cos only).
    """

    function: str
    variable: str
    exponent: int = 1
    inner: int = 1
    power: int = 1


class Term(NamedTuple):
    """A signed integer coefficient times factors; no factors makes it a bare number."""

    coefficient: int
    factors: tuple[Factor, ...] = ()


class Line(NamedTuple):
    """The parts of `d(function)/dvariable=derivative`; `derivative` is None when absent."""

    function: str
    variable: str
    derivative: str | None


def tokenize(text: str) -> list[str]:
    """Split a line or an expression into the model's tokens.

    `exp`, `sin` and `cos` are one token each; every other character is a token, so numbers go
    digit by digit. That keeps the vocabulary small and closed (41 tokens, no number is ever
    out of vocabulary), and it matches what the model has to do anyway: a derivative's
    coefficient is a product of the function's numbers, which it must work out digit by digit.
    """
    tokens = _TOKEN.findall(text)
    if sum(map(len, tokens)) != len(text):
        position = 0
        for match in _TOKEN.finditer(text):
            if match.start() != position:
                break
            position = match.end()
        raise NotationError(f"unknown symbol {text[position]!r}", text, position)
    return tokens


def detokenize(tokens: list[str]) -> str:
    """The text of `tokens`; `detokenize(tokenize(s)) == s` for every string that tokenises."""
    return "".join(tokens)


def parse_expression(text: str) -> tuple[Term, ...]:
    """The terms of an expression such as `12x^2*sin(3x)`; malformed text raises NotationError."""
    return _Parser(text, text, 0).expression(len(text))


def format_expression(terms: tuple[Term, ...]) -> str:
    """The notation for `terms`: the inverse of `parse_expression`."""
    parts = []
    for index, term in enumerate(terms):
        coefficient = term.coefficient
        if coefficient < 0:
            parts.append("-")
        elif index:
            parts.append("+")
        if not term.factors:
            parts.append(str(abs(coefficient)))
            continue
        if abs(coefficient) != 1:
            parts.append(str(abs(coefficient)))
        parts.append("*".join(map(_format_factor, term.factors)))
    return "".join(parts)


def _format_factor(factor: Factor) -> str:
    function, variable, exponent, inner, power = factor
    argument = variable if exponent == 1 else f"{variable}^{exponent}"
    if not function:
        return argument
    if inner != 1:
        argument = f"{inner}{argument}"
    if function == "exp":
        return f"exp^({argument})"
    return f"{function}({argument})" if power == 1 else f"{function}^{power}({argument})"


def format_line(function: str, variable: str, derivative: str | None = None) -> str:
    wrapped = f"d({function})/d{variable}"
    return wrapped if derivative is None else f"{wrapped}={derivative}"


def parse_line(text: str) -> Line:
    """Split `d(f)/dx=g` (or `d(f)/dx`) into its parts, checking that each part parses.

    Error positions count characters of the whole line from 0.
    """
    if not text.startswith("d("):
        raise NotationError("a line starts with 'd('", text, 0)
    depth = 0
    for close, character in enumerate(text):
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth == 0:
                break
    else:
        raise NotationError("'(' is never closed", text, 1)
    variable_at = close + 3
    if text[close + 1 : variable_at] != "/d":
        raise NotationError("expected '/d' and the variable after 'd(...)'", text, close + 1)
    if variable_at >= len(text) or text[variable_at] not in _VARIABLE_SET:
        found = "the end" if variable_at >= len(text) else repr(text[variable_at])
        raise NotationError(f"expected the variable after '/d', found {found}", text, variable_at)
    function = text[2:close]
    _Parser(text, function, 2).expression(close)
    rest = variable_at + 1
    if rest == len(text):
        return Line(function, text[variable_at], None)
    if text[rest] != "=":
        raise NotationError(f"expected '=' or the end, found {text[rest]!r}", text, rest)
    derivative = text[rest + 1 :]
    _Parser(text, derivative, rest + 1).expression(len(text))
    return Line(function, text[variable_at], derivative)


def to_sympy(text: str) -> sympy.Expr:
    """The SymPy expression of a notation string, such as `-3cos(5u)`."""
    return terms_to_sympy(parse_expression(text))


def terms_to_sympy(terms: tuple[Term, ...]) -> sympy.Expr:
    """Build SymPy objects from the tree directly: several times faster than `sympify` on text."""
    return sympy.Add(*[_term_to_sympy(term) for term in terms])


def is_correct_derivative(function: str, variable: str, derivative: str) -> bool:
    """Whether `derivative` is the derivative of `function` by `variable`, whatever its layout."""
    if variable not in _VARIABLE_SET:
        raise NotationError(f"{variable!r} is not a variable (variables: {VARIABLES})", variable, 0)
    return terms_are_derivative(parse_expression(function), variable, parse_expression(derivative))


def terms_are_derivative(
    function: tuple[Term, ...], variable: str, derivative: tuple[Term, ...]
) -> bool:
    """SymPy's verdict on `d(function)/d(variable) == derivative`, fast for the common case.

    Building fresh SymPy objects and differentiating them costs milliseconds, far too slow
    for a million lines, and almost all of it is SymPy's assumption system on new objects. So
    SymPy differentiates each distinct product of factors in the variable once (coefficient
    dropped, variable renamed to x: a few thousand products in all), and the sum and
    constant-factor rules are applied to exact integer polynomials over the atoms x, exp(ax),
    sin(ax^k) and cos(ax^k). Equal polynomials mean equal functions; when they differ, which
    a different but equivalent layout can cause, the full `sympy.diff(f, x) - g` decides.
    """
    expected = _derivative_polynomial(function, variable)
    if expected is not None and expected == _polynomial(derivative):
        return True
    difference = sympy.diff(terms_to_sympy(function), _SYMBOLS[variable]) - terms_to_sympy(
        derivative
    )
    return _is_zero(difference)


def equivalent(a: str, b: str) -> bool:
    """Whether two notation strings are the same function, such as `2x+3x` and `5x`."""
    first, second = parse_expression(a), parse_expression(b)
    return _polynomial(first) == _polynomial(second) or _is_zero(
        terms_to_sympy(first) - terms_to_sympy(second)
    )


def _is_zero(difference: sympy.Expr) -> bool:
    """SymPy's automatic canonical form already cancels equal terms and orders factors, so the
    expensive `expand` only runs when that is not enough (mostly for wrong answers)."""
    return difference == 0 or sympy.expand(difference) == 0


# A polynomial maps monomials to nonzero integer coefficients. A monomial is a sorted tuple of
# (atom, power); an atom is a variable, `Factor("", v)`, or a function factor with power 1.
Monomial = tuple[tuple[Factor, int], ...]
Polynomial = dict[Monomial, int]
_RENAMED = "x"


def _polynomial(terms: tuple[Term, ...]) -> Polynomial:
    polynomial: Polynomial = {}
    for coefficient, factors in terms:
        monomial = _monomial(map(_atom_power, factors))
        polynomial[monomial] = polynomial.get(monomial, 0) + coefficient
    return {monomial: c for monomial, c in polynomial.items() if c}


def _atom_power(factor: Factor) -> tuple[Factor, int]:
    """`z^3` is the atom z to the power 3, `sin^2(4z)` the atom sin(4z) to the power 2."""
    if factor.function:
        return factor._replace(power=1), factor.power
    return Factor("", factor.variable), factor.exponent


def _monomial(atom_powers) -> Monomial:
    """Multiply atoms: powers of the same atom add up (x*x^2 is x^3)."""
    merged: dict[Factor, int] = {}
    for atom, power in atom_powers:
        merged[atom] = merged.get(atom, 0) + power
    return tuple(sorted(merged.items()))


def _derivative_polynomial(terms: tuple[Term, ...], variable: str) -> Polynomial | None:
    """The derivative as a polynomial, or None where SymPy's answer leaves the polynomial form."""
    polynomial: Polynomial = {}
    for coefficient, factors in terms:
        varying = tuple(f._replace(variable=_RENAMED) for f in factors if f.variable == variable)
        if not varying:
            continue
        derivative = _product_derivative(varying)
        if derivative is None:
            return None
        constants = [_atom_power(f) for f in factors if f.variable != variable]
        for monomial, factor_coefficient in derivative:
            renamed = [(atom._replace(variable=variable), power) for atom, power in monomial]
            key = _monomial(renamed + constants)
            polynomial[key] = polynomial.get(key, 0) + coefficient * factor_coefficient
    return {monomial: c for monomial, c in polynomial.items() if c}


@functools.cache
def _product_derivative(factors: tuple[Factor, ...]) -> tuple[tuple[Monomial, int], ...] | None:
    """SymPy's derivative by x of a product of factors in x, as polynomial items (memoised)."""
    product = sympy.Mul(*map(_factor_to_sympy, factors))
    return _polynomial_from_sympy(sympy.diff(product, _SYMBOLS[_RENAMED]))


def _polynomial_from_sympy(expression: sympy.Expr) -> tuple[tuple[Monomial, int], ...] | None:
    """Read a sum of integer multiples of products of atoms back from SymPy; None otherwise."""
    items = []
    for term in sympy.Add.make_args(expression):
        coefficient, factors = term.as_coeff_mul()
        if not coefficient.is_Integer:
            return None
        powers = []
        for factor in factors:
            base, power = factor.args if factor.is_Pow else (factor, sympy.Integer(1))
            atom = _atom_from_sympy(base)
            if atom is None or not (power.is_Integer and power > 0):
                return None
            powers.append((atom, int(power)))
        items.append((_monomial(powers), int(coefficient)))
    return tuple(items)


def _atom_from_sympy(base: sympy.Expr) -> Factor | None:
    if base.is_Symbol:
        return Factor("", base.name)
    name = type(base).__name__
    if name not in _SYMPY_FUNCTIONS:
        return None
    inner, rest = base.args[0].as_coeff_Mul()
    exponent = sympy.Integer(1)
    if rest.is_Pow:
        rest, exponent = rest.args
    if not (
        inner.is_Integer and inner > 0 and rest.is_Symbol and exponent.is_Integer and exponent > 0
    ):
        return None
    return Factor(name, rest.name, int(exponent), int(inner))


_SYMBOLS = {name: sympy.Symbol(name) for name in VARIABLES}
_SYMPY_FUNCTIONS = {"exp": sympy.exp, "sin": sympy.sin, "cos": sympy.cos}


def _factor_to_sympy(factor: Factor) -> sympy.Expr:
    function, variable, exponent, inner, power = factor
    argument = _SYMBOLS[variable]
    if exponent != 1:
        argument = sympy.Pow(argument, exponent)
    if not function:
        return argument
    if inner != 1:
        argument = sympy.Mul(sympy.Integer(inner), argument)
    value = _SYMPY_FUNCTIONS[function](argument)
    return value if power == 1 else sympy.Pow(value, power)


def _term_to_sympy(term: Term) -> sympy.Expr:
    return sympy.Mul(sympy.Integer(term.coefficient), *map(_factor_to_sympy, term.factors))


class _Parser:
    """Recursive descent over the characters of one expression inside `line`.

    `start` is where the expression begins in `line`, so errors point into the whole line.
    """

    def __init__(self, line: str, text: str, start: int):
        self.line, self.text, self.start = line, text, start

    def error(self, message: str, index: int) -> NotationError:
        return NotationError(message, self.line, self.start + index)

    def found(self, index: int) -> str:
        return "the end" if index >= len(self.text) else repr(self.text[index])

    def expression(self, end_of_line: int) -> tuple[Term, ...]:
        text = self.text
        if not text:
            raise NotationError("empty expression", self.line, end_of_line)
        if text == "0":
            return (Term(0),)
        negative = text[0] == "-"
        index = int(negative)
        terms = []
        while True:
            term, index = self.term(index)
            terms.append(term._replace(coefficient=-term.coefficient) if negative else term)
            if index == len(text):
                return tuple(terms)
            character = text[index]
            if character in "+-":
                negative = character == "-"
                index += 1
            elif character == ")":
                raise self.error("unmatched ')'", index)
            else:
                raise self.error(f"expected '*', '+', '-' or the end, found {character!r}", index)

    def term(self, index: int) -> tuple[Term, int]:
        text = self.text
        if index >= len(text) or text[index] in "+-":
            raise self.error(f"expected a term, found {self.found(index)}", index)
        coefficient = 1
        if text[index] in _DIGITS:
            coefficient, after = self.number(index)
            if coefficient == 0:
                raise self.error("a zero term or coefficient is not written", index)
            if after == len(text) or text[after] not in _LETTERS:
                if text[after : after + 1] == "*":
                    raise self.error(
                        "a coefficient goes right before its factor (3x, not 3*x)", after
                    )
                return Term(coefficient), after
            if coefficient == 1:
                raise self.error("a coefficient of 1 is not written (x, not 1x)", index)
            index = after
        factors = []
        while True:
            factor, index = self.factor(index)
            factors.append(factor)
            if index == len(text) or text[index] != "*":
                return Term(coefficient, tuple(factors)), index
            index += 1

    def factor(self, index: int) -> tuple[Factor, int]:
        text = self.text
        name = text[index : index + 3]
        if name == "exp":
            if text[index + 3 : index + 5] != "^(":
                raise self.error("'exp' is followed by '^(' as in exp^(2x)", index + 3)
            inner, variable, exponent, index = self.argument(index + 5)
            return Factor("exp", variable, exponent, inner), index
        if name in ("sin", "cos"):
            index += 3
            power = 1
            if text[index : index + 1] == "^":
                power, index = self.exponent(index + 1)
            if text[index : index + 1] != "(":
                raise self.error(f"expected '(' after {name!r}, found {self.found(index)}", index)
            inner, variable, exponent, index = self.argument(index + 1)
            return Factor(name, variable, exponent, inner, power), index
        variable, index = self.variable(index)
        exponent = 1
        if text[index : index + 1] == "^":
            exponent, index = self.exponent(index + 1)
        return Factor("", variable, exponent), index

    def argument(self, index: int) -> tuple[int, str, int, int]:
        """`[inner]variable[^exponent])` after an opening parenthesis at `index - 1`."""
        text = self.text
        opening = index - 1
        inner = 1
        if text[index : index + 1] in _DIGITS:
            inner, after = self.number(index)
            if inner < 2:
                raise self.error("a coefficient inside a function is at least 2", index)
            index = after
        if text[index : index + 3] in FUNCTIONS:
            raise self.error(f"nested function {text[index : index + 3]!r}", index)
        variable, index = self.variable(index)
        exponent = 1
        if text[index : index + 1] == "^":
            exponent, index = self.exponent(index + 1)
        if index >= len(text):
            raise self.error("'(' is never closed", opening)
        if text[index] != ")":
            raise self.error(
                f"expected ')' to close the '(' at position {self.start + opening}, "
                f"found {text[index]!r}",
                index,
            )
        return inner, variable, exponent, index + 1

    def variable(self, index: int) -> tuple[str, int]:
        text = self.text
        if index >= len(text) or text[index] not in _LETTERS:
            raise self.error(
                f"expected a variable, exp, sin or cos, found {self.found(index)}", index
            )
        end = index + 1
        while end < len(text) and text[end] in _LETTERS:
            end += 1
        if end - index > 1:
            raise self.error(
                f"unknown function or name {text[index:end]!r} "
                "(functions: exp, sin, cos; variables are single letters)",
                index,
            )
        if text[index] not in _VARIABLE_SET:
            raise self.error(f"{text[index]!r} is not a variable (variables: {VARIABLES})", index)
        return text[index], end

    def exponent(self, index: int) -> tuple[int, int]:
        if index >= len(self.text) or self.text[index] not in _DIGITS:
            raise self.error(f"expected an exponent after '^', found {self.found(index)}", index)
        value, end = self.number(index)
        if value < 2:
            raise self.error(f"exponent {value}: exponents start at 2 (x, not x^1)", index)
        return value, end

    def number(self, index: int) -> tuple[int, int]:
        text = self.text
        end = index
        while end < len(text) and text[end] in _DIGITS:
            end += 1
        if text[index] == "0" and end - index > 1:
            raise self.error("a number with a leading zero", index)
        if end - index > MAX_SIDE_LENGTH:
            # No line can hold it, and Python refuses to convert numbers of thousands of digits.
            raise self.error(f"a number of {end - index} digits (a side has at most {MAX_SIDE_LENGTH} characters)", index)
        return int(text[index:end]), end
