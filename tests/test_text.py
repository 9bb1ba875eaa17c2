import pytest

from lstm_utils.imdb.text import OOV_INDEX, PADDING_INDEX, START_INDEX, WordIndex, tokenize


def test_tokenize_lowercases_strips_breaks_and_keeps_contractions():
    assert tokenize("Don't miss it!<br /><br />It's GREAT, 10/10.") == [
        "don't",
        "miss",
        "it",
        "it's",
        "great",
        "10",
        "10",
    ]


def test_tokenize_of_punctuation_only_is_empty():
    assert tokenize("?!... --- <br />") == []


def test_words_are_ranked_by_frequency_then_alphabetically():
    word_index = WordIndex.from_texts(["b a c", "a b", "a"], num_words=10)
    assert word_index.word_to_index == {"a": 3, "b": 4, "c": 5}


def test_num_words_counts_the_reserved_indices():
    word_index = WordIndex.from_texts(["a a a b b c"], num_words=5)
    assert word_index.word_to_index == {"a": 3, "b": 4}
    assert len(word_index) == 5
    assert word_index.encode("a b c") == [START_INDEX, 3, 4, OOV_INDEX]


def test_encode_decode_round_trip():
    word_index = WordIndex.from_texts(["the film was great", "the plot was thin"], num_words=100)
    text = "The plot was GREAT."
    assert word_index.decode(word_index.encode(text)) == "<start> the plot was great"
    assert word_index.decode(word_index.encode(text, add_start=False)) == "the plot was great"


def test_decode_skips_padding_and_marks_unknown_words():
    word_index = WordIndex(["good"], num_words=10)
    assert (
        word_index.decode([START_INDEX, 3, OOV_INDEX, PADDING_INDEX, PADDING_INDEX]) == "<start> good <oov>"
    )
    assert word_index.decode([3, PADDING_INDEX], skip_padding=False) == "good <pad>"


def test_json_round_trip_keeps_every_index():
    word_index = WordIndex.from_texts(["x y z z y z"], num_words=10)
    restored = WordIndex.from_json(word_index.to_json())
    assert restored.word_to_index == word_index.word_to_index
    assert restored.num_words == word_index.num_words


def test_too_small_num_words_is_rejected():
    with pytest.raises(ValueError, match="num_words"):
        WordIndex(["a"], num_words=3)
