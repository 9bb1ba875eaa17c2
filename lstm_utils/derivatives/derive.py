"""What `python -m lstm_utils derive` does: read functions, predict derivatives, check them.

Input comes as functions with a variable (`4cos^2(9x^3)`, `x`) or as lines `d(f)/dx` and
`d(f)/dx=g`. A malformed input is reported with its line number and skipped; the rest are
decoded together in batches.
"""

from typing import NamedTuple

from ..errors import LstmTutorialError, NotationError
from .metrics import exact_match, sympy_equivalence
from .notation import MAX_SIDE_LENGTH, VARIABLES, Line, format_line, parse_expression, parse_line


class Problem(NamedTuple):
    """One input: its 1-based line number and either the parsed line or why it is malformed."""

    number: int
    line: Line | None
    error: str | None


def problem_from_function(function: str, variable: str | None, number: int = 1) -> Problem:
    """A function typed on the command line; `variable` may be left out when only one occurs."""
    try:
        parse_expression(function)
    except NotationError as error:
        return Problem(number, None, str(error))
    used = sorted(_variables(function))
    if variable is None:
        if len(used) != 1:
            found = ", ".join(used) if used else "none"
            return Problem(number, None, f"say which variable with --var (variables in {function!r}: {found})")
        variable = used[0]
    if len(variable) != 1 or variable not in VARIABLES:
        return Problem(number, None, f"--var must be one of the letters {' '.join(VARIABLES)}, got {variable!r}")
    return _checked(Problem(number, Line(function, variable, None), None))


def problems_from_lines(lines: list[str]) -> list[Problem]:
    """Lines of a file, each `d(f)/dx` or `d(f)/dx=g`; blank and malformed lines become errors."""
    problems = []
    for number, text in enumerate(lines, start=1):
        text = text.strip()
        if not text:
            problems.append(Problem(number, None, "empty line"))
            continue
        try:
            problems.append(_checked(Problem(number, parse_line(text), None)))
        except NotationError as error:
            problems.append(Problem(number, None, str(error)))
    return problems


def _checked(problem: Problem) -> Problem:
    """Refuse what the model never saw: a variable missing from the function, or a long input."""
    line = problem.line
    used = sorted(_variables(line.function))
    if line.variable not in used:
        message = f"{line.variable} does not occur in {line.function!r} (variables: {', '.join(used) or 'none'})"
        return Problem(problem.number, None, message)
    left = format_line(line.function, line.variable)
    if len(left) > MAX_SIDE_LENGTH:
        message = f"{left!r} is {len(left)} characters; the model reads at most {MAX_SIDE_LENGTH}"
        return Problem(problem.number, None, message)
    return problem


def _variables(function: str) -> set[str]:
    return {factor.variable for term in parse_expression(function) for factor in term.factors}


class Answer(NamedTuple):
    problem: Problem
    prediction: str | None  # None for a malformed input
    confirmed: bool | None  # SymPy's verdict on the prediction; None for a malformed input
    candidates: int = 1  # how many distinct candidates were decoded for it (beam and greedy)

    @property
    def status(self) -> str | None:
        """`confirmed`, or `unconfirmed (...)` saying how many candidates were tried; None if malformed."""
        if self.prediction is None:
            return None
        if self.confirmed:
            return "confirmed"
        if self.candidates == 1:
            return "unconfirmed (SymPy rejects it)"
        return f"unconfirmed (none of {self.candidates} candidates checks out)"


DEFAULT_BEAM = 8


def derive(decoder, problems: list[Problem], beam_width: int | None = None, verify: bool = True) -> list[Answer]:
    """Predict every well-formed problem in one batched pass and let SymPy check each answer.

    With `verify` (the default), a beam of `beam_width` hypotheses (default `DEFAULT_BEAM`) is
    decoded, and the first that SymPy confirms, best first, is the answer; the greedy text is
    the last candidate, and the answer when none is confirmed. Without it, the greedy text (or
    the best of a beam of `beam_width`) is checked and returned either way.
    """
    if beam_width is None:
        beam_width = DEFAULT_BEAM if verify else 1
    if beam_width < 1:
        raise LstmTutorialError(f"--beam must be at least 1, got {beam_width}")
    valid = [p for p in problems if p.line is not None]
    sources = [format_line(p.line.function, p.line.variable) for p in valid]
    if not valid:
        answers = {}
    elif verify:
        answers = {p.number: _first_confirmed(p.line, texts) for p, texts in zip(valid, decoder.candidates(sources, beam_width))}
    else:
        predictions = decoder.predict(sources, beam_width=beam_width)
        verdicts = sympy_equivalence([p.line.function for p in valid], [p.line.variable for p in valid], predictions)
        answers = {p.number: (text, verdict, 1) for p, text, verdict in zip(valid, predictions, verdicts)}
    return [Answer(p, *answers[p.number]) if p.number in answers else Answer(p, None, None) for p in problems]


def _first_confirmed(line: Line, texts: list[str]) -> tuple[str, bool, int]:
    """The first text SymPy confirms as the derivative, else the last one (the greedy text)."""
    for text in texts:
        if sympy_equivalence([line.function], [line.variable], [text])[0]:
            return text, True, len(texts)
    return texts[-1], False, len(texts)


def score(answers: list[Answer]) -> dict | None:
    """Exact-match and SymPy-equivalence accuracy over the answers whose input gave a target."""
    scored = [a for a in answers if a.prediction is not None and a.problem.line.derivative is not None]
    if not scored:
        return None
    return {
        "examples": len(scored),
        "exact_match": exact_match([a.prediction for a in scored], [a.problem.line.derivative for a in scored]),
        "sympy_equivalence": sum(a.confirmed for a in scored) / len(scored),
        "unconfirmed": sum(not a.confirmed for a in scored) / len(scored),
    }
