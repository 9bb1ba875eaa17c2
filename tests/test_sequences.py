import numpy as np
import pytest

from lstm_utils.training.sequences import bucket_by_length, length_bucketed_batches, pad_sequences

TOY = [[5, 6, 7], [8, 9, 10, 11, 12, 13]]


@pytest.mark.parametrize(
    ("padding", "truncating", "expected"),
    [
        ("post", "post", [[5, 6, 7, 0, 0], [8, 9, 10, 11, 12]]),
        ("post", "pre", [[5, 6, 7, 0, 0], [9, 10, 11, 12, 13]]),
        ("pre", "post", [[0, 0, 5, 6, 7], [8, 9, 10, 11, 12]]),
        ("pre", "pre", [[0, 0, 5, 6, 7], [9, 10, 11, 12, 13]]),
    ],
)
def test_padding_and_truncation_sides(padding, truncating, expected):
    padded = pad_sequences(TOY, maxlen=5, padding=padding, truncating=truncating)
    assert padded.dtype == np.int32
    assert padded.tolist() == expected


def test_default_maxlen_is_the_longest_sequence_and_empty_rows_stay_padding():
    padded = pad_sequences([[1, 2], [], [3]], value=0, padding="post")
    assert padded.tolist() == [[1, 2], [0, 0], [3, 0]]


def test_the_defaults_are_those_of_keras():
    import keras

    toy = [[1, 2, 3], [4, 5, 6, 7, 8, 9]]
    assert pad_sequences(toy, maxlen=4).tolist() == keras.utils.pad_sequences(toy, maxlen=4).tolist()


@pytest.mark.parametrize("options", [{"padding": "middle"}, {"truncating": "both"}, {"maxlen": 0}])
def test_invalid_options_are_rejected(options):
    with pytest.raises(ValueError):
        pad_sequences(TOY, **{"maxlen": 4, **options})


def test_buckets_cover_every_index_once_with_similar_lengths():
    lengths = np.random.default_rng(0).integers(1, 500, size=1000)
    batches = bucket_by_length(lengths, batch_size=64, seed=1)
    assert sorted(np.concatenate(batches).tolist()) == list(range(1000))
    spreads = [lengths[b].max() - lengths[b].min() for b in batches]
    assert max(spreads) < 60  # Sorted by length: each batch spans a narrow range.
    assert [b.tolist() for b in batches] == [b.tolist() for b in bucket_by_length(lengths, 64, seed=1)]
    assert [b.tolist() for b in batches] != [b.tolist() for b in bucket_by_length(lengths, 64, seed=2)]


def test_prediction_buckets_come_in_length_order():
    lengths = np.array([5, 1, 3, 2, 4])
    assert np.concatenate(bucket_by_length(lengths, 2, seed=None)).tolist() == [1, 3, 2, 4, 0]


def test_bucketed_batches_are_right_padded_to_bucket_widths():
    rng = np.random.default_rng(0)
    sequences = [rng.integers(1, 50, size=n).tolist() for n in rng.integers(1, 300, size=200)]
    labels = np.arange(200)
    seen = []
    for x, y in length_bucketed_batches(sequences, labels, batch_size=16, maxlen=120, bucket_width=50):
        assert x.shape[1] in (50, 100, 120)
        for row, label in zip(x, y):
            original = sequences[label][-120:]  # Default truncation keeps the end.
            assert row[: len(original)].tolist() == original
            assert not row[len(original) :].any()
        seen.extend(y.tolist())
    assert sorted(seen) == list(range(200))
