"""Random strings, not only near-misses: each entry point accepts them or says why, in its own error type."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstm_utils.derivatives.derive import problem_from_function, problems_from_lines
from lstm_utils.derivatives.notation import (
    VARIABLES,
    detokenize,
    format_expression,
    format_line,
    parse_expression,
    parse_line,
    tokenize,
)
from lstm_utils.derivatives.seq2seq import TokenVocabulary
from lstm_utils.errors import NotationError
from lstm_utils.imdb import text as review_text

# Any Unicode, and strings made of the notation's own pieces, which get much further in.
STRINGS = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(list("0123456789()^*+-/=d ") + ["sin", "cos", "exp"] + list(VARIABLES)), max_size=30).map(
        "".join
    ),
)
VOCABULARY = TokenVocabulary.for_notation()


def assert_points_into(error: NotationError, text: str) -> None:
    assert error.text == text and 0 <= error.position <= len(text)
    assert str(error).startswith(error.message)


@pytest.mark.parametrize(
    ("parse", "print_back"),
    [(parse_line, lambda line: format_line(*line)), (parse_expression, format_expression)],
    ids=["line", "expression"],
)
@given(text=STRINGS)
def test_text_parses_and_prints_back_or_the_error_says_where(parse, print_back, text):
    try:
        parsed = parse(text)
    except NotationError as error:
        assert_points_into(error, text)
    else:
        assert print_back(parsed) == text


@given(STRINGS)
def test_tokens_and_token_ids_give_back_the_text_or_the_error_names_the_symbol(text):
    try:
        tokens = tokenize(text)
    except NotationError as error:
        assert_points_into(error, text)
        assert repr(text[error.position]) in error.message
        return
    assert detokenize(tokens) == text
    assert VOCABULARY.decode(VOCABULARY.encode(text)) == text


@given(STRINGS, st.one_of(st.none(), st.text(max_size=3)))
def test_derive_turns_any_function_into_a_problem_or_a_reason(function, variable):
    problem = problem_from_function(function, variable, number=7)
    assert problem.number == 7 and (problem.line is None) != (problem.error is None)


@given(st.lists(STRINGS, max_size=5))
def test_derive_answers_every_line_of_a_file_in_order(lines):
    problems = problems_from_lines(lines)
    assert [p.number for p in problems] == list(range(1, len(lines) + 1))
    for problem in problems:
        assert (problem.line is None) != (problem.error is None)


@given(st.text(max_size=200))
def test_review_tokens_are_lowercase_words_and_always_encode(text):
    tokens = review_text.tokenize(text)
    assert all(re.fullmatch(r"[a-z0-9]+(?:'[a-z0-9]+)*", token) for token in tokens)
    word_index = review_text.WordIndex(["film", "great"], num_words=5)
    encoded = word_index.encode(text)
    assert len(encoded) == len(tokens) + 1 and set(encoded) <= {1, 2, 3, 4}
