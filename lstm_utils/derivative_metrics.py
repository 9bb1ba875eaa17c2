"""How good predicted derivative strings are: exact match, token accuracy, SymPy equivalence."""

from collections import defaultdict

import numpy as np

from .errors import LstmTutorialError
from .notation import is_correct_derivative, tokenize


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


def accuracy_by_group(correct: list[bool], groups: list[str]) -> dict[str, dict]:
    """Accuracy and example count for every group (for example, every function family)."""
    tally = defaultdict(list)
    for is_correct, group in zip(correct, groups, strict=True):
        tally[group].append(is_correct)
    return {
        group: {"accuracy": float(np.mean(values)), "examples": len(values)}
        for group, values in sorted(tally.items())
    }
