"""Reading inputs for `derive`, predicting them in one batch, and scoring the answers."""

import pytest

from lstm_utils.derivatives.derive import derive, problem_from_function, problems_from_lines, score
from lstm_utils.errors import LstmTutorialError


class ScriptedDecoder:
    """Stands in for the trained model: answers from a dictionary, records what it was asked."""

    def __init__(self, answers):
        self.answers, self.calls = answers, []

    def predict(self, sources, beam_width=1):
        self.calls.append(list(sources))
        return [self.answers.get(source, "") for source in sources]

    def candidates(self, sources, beam_width):
        """The scripted answer is the greedy text; `beams` may put other hypotheses before it."""
        self.calls.append(list(sources))
        return [[*self.beams.get(s, []), self.answers.get(s, "")] for s in sources]

    beams: dict = {}


def test_a_function_with_one_variable_needs_no_var():
    problem = problem_from_function("4cos^2(9x^3)", None)
    assert problem.error is None
    assert (problem.line.function, problem.line.variable) == ("4cos^2(9x^3)", "x")


def test_two_variables_need_var():
    assert "--var" in problem_from_function("4z^3*cos(2m^5)", None).error
    assert problem_from_function("4z^3*cos(2m^5)", "m").line.variable == "m"
    assert "--var" in problem_from_function("3x^2", "d").error


def test_malformed_function_is_reported_with_its_position():
    problem = problem_from_function("3x^2+", "x")
    assert problem.line is None and "position" in problem.error


def test_lines_keep_their_numbers_and_malformed_ones_are_marked():
    problems = problems_from_lines(["d(3t^4+t)/dt=12t^3+1", "", "d(3t^4+/dt", "d(-3cos(5u))/du", "nonsense"])
    assert [p.number for p in problems] == [1, 2, 3, 4, 5]
    assert [p.error is None for p in problems] == [True, False, False, True, False]
    assert problems[0].line.derivative == "12t^3+1" and problems[3].line.derivative is None
    assert problems[1].error == "empty line"


def test_a_left_side_longer_than_the_model_reads_is_refused():
    problem = problem_from_function("19x^11+18x^10+17x^9+16x^8+15x^7", "x")
    assert problem.line is None and "30" in problem.error


def test_derive_predicts_valid_lines_in_one_batch_and_scores_them():
    decoder = ScriptedDecoder({"d(3t^4+t)/dt": "12t^3+1", "d(-3cos(5u))/du": "5sin(5u)", "d(x^2)/dx": "2x"})
    problems = problems_from_lines(["d(3t^4+t)/dt=12t^3+1", "d(oops", "d(-3cos(5u))/du=15sin(5u)", "d(x^2)/dx"])
    answers = derive(decoder, problems, verify=False)
    assert decoder.calls == [["d(3t^4+t)/dt", "d(-3cos(5u))/du", "d(x^2)/dx"]]
    assert [a.prediction for a in answers] == ["12t^3+1", None, "5sin(5u)", "2x"]
    assert [a.confirmed for a in answers] == [True, None, False, True]
    assert [a.status for a in answers] == ["confirmed", None, "unconfirmed (SymPy rejects it)", "confirmed"]
    assert score(answers) == {"examples": 2, "exact_match": 0.5, "sympy_equivalence": 0.5, "unconfirmed": 0.5}


def test_verified_derive_answers_the_first_candidate_sympy_confirms():
    decoder = ScriptedDecoder({"d(-3cos(5u))/du": "5sin(5u)", "d(x^2)/dx": "3x", "d(x^3)/dx": "3x^2"})
    decoder.beams = {
        "d(-3cos(5u))/du": ["-15sin(5u)", "15sin(5u)", "15sin(5u)+0"],
        "d(x^2)/dx": ["x", "2x^2"],
    }
    answers = derive(decoder, problems_from_lines(["d(-3cos(5u))/du", "d(x^2)/dx", "d(x^3)/dx"]))
    assert [a.prediction for a in answers] == ["15sin(5u)", "3x", "3x^2"]
    assert [a.confirmed for a in answers] == [True, False, True]
    # None of the three candidates checks out, so the greedy text comes back, marked as such.
    assert answers[1].status == "unconfirmed (none of 3 candidates checks out)"
    assert answers[0].status == answers[2].status == "confirmed"


def test_verified_derive_refuses_a_beam_below_one():
    with pytest.raises(LstmTutorialError, match="at least 1"):
        derive(ScriptedDecoder({}), problems_from_lines(["d(x^2)/dx"]), beam_width=0)


def test_score_is_none_without_targets():
    answers = derive(ScriptedDecoder({"d(x^2)/dx": "2x"}), problems_from_lines(["d(x^2)/dx"]))
    assert score(answers) is None


def test_a_variable_that_does_not_occur_is_refused():
    assert "y does not occur in '3x^2' (variables: x)" in problem_from_function("3x^2", "y").error
    assert "does not occur" in problems_from_lines(["d(3x^2)/dy"])[0].error


def test_a_number_of_thousands_of_digits_is_malformed_not_a_crash():
    problem = problem_from_function("9" * 5000 + "x", "x")
    assert problem.line is None and "5000 digits" in problem.error
