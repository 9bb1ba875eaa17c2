"""How good predicted derivative strings are: exact match, token accuracy, SymPy equivalence, kinds of error."""

import re
from collections import Counter, defaultdict

import numpy as np

from ..errors import LstmTutorialError
from .notation import is_correct_derivative, parse_expression, tokenize

# What `error_kind` can find wrong with a prediction, in the order it checks.
ERROR_KINDS = ("another layout", "the other variable", "a number", "a sign", "the structure")


def exact_match(predictions: list[str], targets: list[str]) -> float:
    """Share of predictions identical to their target, character for character (the primary metric)."""
    return float(np.mean([p == t for p, t in zip(predictions, targets, strict=True)]))


def token_accuracy(predictions: list[str], targets: list[str]) -> float:
    """Share of target tokens predicted at their position; padding is not counted.

    A prediction shorter than its target misses the remaining tokens; extra predicted tokens
    past the target's end cost nothing here (exact match counts them).
    """
    correct = total = 0
    for prediction, target in zip(predictions, targets, strict=True):
        predicted, expected = _tokens_or_empty(prediction), tokenize(target)
        correct += sum(p == t for p, t in zip(predicted, expected))
        total += len(expected)
    return correct / total


def _tokens_or_empty(text: str) -> list[str]:
    """Tokens of a predicted string; a prediction that does not tokenise counts as empty."""
    try:
        return tokenize(text)
    except LstmTutorialError:
        return []


def sympy_equivalence(functions: list[str], variables: list[str], predictions: list[str]) -> list[bool]:
    """Whether each prediction is mathematically the derivative, whatever its layout.

    A prediction that does not parse counts as wrong.
    """
    verdicts = []
    for function, variable, prediction in zip(functions, variables, predictions, strict=True):
        try:
            verdicts.append(bool(is_correct_derivative(function, variable, prediction)))
        except LstmTutorialError:
            verdicts.append(False)
    return verdicts


def error_kind(function: str, variable: str, prediction: str, target: str) -> str | None:
    """What went wrong in a predicted derivative, roughly; None when it is exactly the target.

    "another layout": the right derivative, written differently; "the other variable": the right
    derivative, but by another variable of the function; "a number": the target's layout with a
    number (coefficient or exponent) wrong; "a sign": the target with a + and - swapped; "the
    structure": anything else, a prediction that does not parse included.
    """
    if prediction == target:
        return None
    if _is_derivative(function, variable, prediction):
        return "another layout"
    variables = {factor.variable for term in parse_expression(function) for factor in term.factors}
    if any(_is_derivative(function, other, prediction) for other in sorted(variables - {variable})):
        return "the other variable"
    if re.sub(r"\d+", "#", prediction) == re.sub(r"\d+", "#", target):
        return "a number"
    if prediction.replace("-", "+") == target.replace("-", "+"):
        return "a sign"
    return "the structure"


def _is_derivative(function: str, variable: str, prediction: str) -> bool:
    try:
        return is_correct_derivative(function, variable, prediction)
    except LstmTutorialError:
        return False


def shares_by_group(labels: list[str | None], groups: list[str]) -> dict[str, dict[str, float]]:
    """Within each group, the share of its examples that carry each label (None is no label)."""
    sizes = Counter(groups)
    counts = Counter((group, label) for label, group in zip(labels, groups, strict=True) if label is not None)
    table = {group: {} for group in sorted(sizes)}
    for (group, label), count in sorted(counts.items()):
        table[group][label] = count / sizes[group]
    return table


def accuracy_by_group(correct: list[bool], groups: list[str]) -> dict[str, dict]:
    """Accuracy and example count for every group (for example, every function family)."""
    tally = defaultdict(list)
    for is_correct, group in zip(correct, groups, strict=True):
        tally[group].append(is_correct)
    return {
        group: {"accuracy": float(np.mean(values)), "examples": len(values)}
        for group, values in sorted(tally.items())
    }
