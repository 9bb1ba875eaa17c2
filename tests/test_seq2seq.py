"""The derivative encoder-decoder: vocabulary, teacher forcing, decoding, saving."""

import keras
import numpy as np
import pytest

from lstm_utils.derivatives.model import beam_decode, build_seq2seq, greedy_decode
from lstm_utils.derivatives.notation import VARIABLES, tokenize
from lstm_utils.derivatives.seq2seq import (
    Seq2SeqDecoder,
    TokenVocabulary,
    greedy_exact_match_callback,
    load_seq2seq,
    save_seq2seq,
    saved_seq2seq_mode,
    seq2seq_dataset,
    teacher_forcing_arrays,
)
from lstm_utils.errors import ModelNotFoundError

LINES = [
    "d(3t^4+t)/dt=12t^3+1",
    "d(-3cos(5u))/du=15sin(5u)",
    "d(5exp^(2k))/dk=10exp^(2k)",
]


@pytest.fixture(scope="module")
def vocabulary():
    return TokenVocabulary.from_texts(LINES)


@pytest.fixture(scope="module")
def decoder(vocabulary):
    keras.utils.set_random_seed(0)
    model = build_seq2seq(len(vocabulary), embedding_dim=8, encoder_units=6, decoder_units=12)
    return Seq2SeqDecoder(model, vocabulary, max_length=8)


def test_vocabulary_reserves_padding_start_and_end(vocabulary):
    assert vocabulary.tokens[:3] == ["<pad>", "<start>", "<end>"]
    assert {"cos", "sin", "exp", "^", "1", "t"} <= set(vocabulary.tokens)
    assert len(vocabulary.tokens) == len(set(vocabulary.tokens))


def test_notation_vocabulary_covers_every_token_the_tokenizer_makes():
    vocabulary = TokenVocabulary.for_notation()
    assert len(vocabulary) == 44
    tokens = {
        token
        for line in LINES + ["d(-19cos^10(15z^2))/dz=5700z*sin(15z^2)*cos^9(15z^2)"]
        for token in tokenize(line)
    }
    assert tokens <= set(vocabulary.tokens)
    for variable in VARIABLES:
        assert (
            vocabulary.decode(vocabulary.encode(f"3{variable}^2")) == f"3{variable}^2"
        )


def test_vocabulary_round_trip_and_json(vocabulary):
    ids = vocabulary.encode("15sin(5u)")
    assert vocabulary.decode(ids) == "15sin(5u)"
    assert vocabulary.decode([*ids, vocabulary.end_id, *ids]) == "15sin(5u)"
    assert TokenVocabulary.from_json(vocabulary.to_json()).tokens == vocabulary.tokens


def test_teacher_forcing_shifts_the_target_by_one(vocabulary):
    sources = ["d(3t^4+t)/dt", "d(-3cos(5u))/du"]
    targets = ["12t^3+1", "15sin(5u)"]
    encoder_in, decoder_in, decoder_out = teacher_forcing_arrays(
        vocabulary, sources, targets
    )
    assert encoder_in.shape == (2, len(vocabulary.encode(sources[1])))
    assert (
        decoder_in.shape
        == decoder_out.shape
        == (2, len(vocabulary.encode(targets[1])) + 1)
    )
    assert decoder_in[0, 0] == vocabulary.start_id
    np.testing.assert_array_equal(decoder_in[0, 1:8], decoder_out[0, :7])
    assert decoder_out[0, 7] == vocabulary.end_id and decoder_out[0, 8:].sum() == 0
    assert vocabulary.decode(decoder_out[1]) == targets[1]


def test_dataset_batches_similar_lengths_and_covers_every_line_once_per_pass(
    vocabulary,
):
    sources = [line.split("=")[0] for line in LINES] * 4
    targets = [line.split("=")[1] for line in LINES] * 4
    dataset = seq2seq_dataset(
        vocabulary, sources, targets, batch_size=4, shuffle=True, seed=3
    )
    assert int(dataset.cardinality()) == 3
    for _ in range(2):
        seen = []
        for (encoder_in, decoder_in), decoder_out in dataset:
            encoder_in, decoder_in, decoder_out = (
                encoder_in.numpy(),
                decoder_in.numpy(),
                decoder_out.numpy(),
            )
            # Each batch is padded to its own longest line, not to the longest in the data.
            assert (encoder_in[:, -1] != 0).any() and (decoder_out[:, -1] != 0).any()
            assert (decoder_in[:, 0] == vocabulary.start_id).all()
            np.testing.assert_array_equal(
                decoder_in[:, 1:],
                np.where(
                    decoder_out[:, :-1] == vocabulary.end_id, 0, decoder_out[:, :-1]
                ),
            )
            seen += [vocabulary.decode(row) for row in decoder_out]
        assert sorted(seen) == sorted(targets)


def test_exact_match_callback_logs_the_greedy_accuracy(decoder, vocabulary):
    sources = [line.split("=")[0] for line in LINES]
    predictions = decoder.predict(sources)
    targets = [predictions[0], "not it", predictions[2] + "1"]
    callback = greedy_exact_match_callback(vocabulary, sources, targets, max_length=8)
    callback.set_model(decoder.model)
    logs = {}
    callback.on_epoch_end(0, logs)
    assert logs["val_exact_match"] == pytest.approx(1 / 3)


def test_step_by_step_decoding_matches_the_teacher_forced_model(decoder):
    source_ids = decoder.encode_sources(["d(3t^4+t)/dt", "d(-3cos(5u))/du"])
    outputs, mask, state_h, state_c = decoder._encode(source_ids)
    tokens = np.full(2, decoder.vocabulary.start_id, dtype=np.int32)
    fed, step_log_probabilities = [tokens], []
    for _ in range(4):
        log_probabilities, state_h, state_c, _ = decoder._step(
            tokens, state_h, state_c, outputs, mask
        )
        step_log_probabilities.append(log_probabilities.numpy())
        # Feed a real token (never padding) so the teacher-forced mask does not skip a step.
        tokens = np.maximum(np.argmax(log_probabilities.numpy(), axis=-1), 3).astype(
            np.int32
        )
        fed.append(tokens)
    full = decoder.model.predict([source_ids, np.stack(fed[:-1], axis=1)], verbose=0)
    np.testing.assert_allclose(
        np.log(full + 1e-9), np.stack(step_log_probabilities, axis=1), atol=1e-4
    )


def test_the_taught_greedy_loop_writes_what_the_fast_decoder_writes(decoder):
    sources = [line.split("=")[0] for line in LINES]
    fast = decoder.predict(sources)
    plain = [greedy_decode(decoder.model, decoder.vocabulary, source, decoder.max_length) for source in sources]
    assert plain == fast and any(fast)


def test_the_taught_beam_search_writes_what_the_fast_beam_search_writes(decoder):
    sources = [line.split("=")[0] for line in LINES]
    fast = decoder.beam_search(decoder.encode_sources(sources), beam_width=3)
    plain = [beam_decode(decoder.model, decoder.vocabulary, source, 3, decoder.max_length) for source in sources]
    assert plain == fast and any(fast)


def test_padding_the_source_changes_nothing(decoder):
    source_ids = decoder.encode_sources(["d(3t^4+t)/dt", "d(-3cos(5u))/du"])
    padded = np.pad(source_ids, ((0, 0), (0, 5)))
    assert decoder.greedy(source_ids) == decoder.greedy(padded)


def test_beam_of_one_is_greedy(decoder):
    source_ids = decoder.encode_sources(
        ["d(3t^4+t)/dt", "d(-3cos(5u))/du", "d(5exp^(2k))/dk"]
    )
    greedy, greedy_scores = decoder.greedy(source_ids, return_scores=True)
    narrow, narrow_scores = decoder.beam_search(
        source_ids, beam_width=1, return_scores=True
    )
    assert narrow == greedy
    np.testing.assert_allclose(narrow_scores, greedy_scores, rtol=1e-5)
    wide, wide_scores = decoder.beam_search(
        source_ids, beam_width=4, return_scores=True
    )
    assert (
        len(wide) == 3 and np.all(np.isfinite(wide_scores)) and np.all(wide_scores <= 0)
    )


def test_candidates_are_the_distinct_beam_hypotheses_best_first_then_greedy(decoder):
    sources = ["d(3t^4+t)/dt", "d(-3cos(5u))/du", "d(5exp^(2k))/dk"]
    candidates = decoder.candidates(sources, beam_width=4, batch_size=2)
    best = decoder.predict(sources, beam_width=4)
    greedy = decoder.predict(sources)
    for texts, first, plain in zip(candidates, best, greedy):
        assert texts[0] == first and plain in texts
        assert len(texts) == len(set(texts)) and 1 <= len(texts) <= 5


def test_predict_keeps_the_input_order(decoder):
    sources = ["d(5exp^(2k))/dk", "d(t)/dt", "d(-3cos(5u))/du"]
    one_by_one = [decoder.predict([s])[0] for s in sources]
    assert decoder.predict(sources, batch_size=2) == one_by_one


def test_save_and_load_round_trip(decoder, tmp_path, monkeypatch):
    monkeypatch.setenv("LSTM_TUTORIAL_SMOKE", "1")
    save_seq2seq(
        decoder.model, decoder.vocabulary, decoder.max_length, models_dir=tmp_path
    )
    reloaded = load_seq2seq(tmp_path)
    sources = ["d(3t^4+t)/dt", "d(5exp^(2k))/dk"]
    assert reloaded.predict(sources) == decoder.predict(sources)
    assert reloaded.max_length == decoder.max_length
    assert saved_seq2seq_mode(tmp_path) == "smoke"


def test_extra_settings_are_saved_beside_the_vocabulary(decoder, tmp_path):
    from lstm_utils.saved_models import load_settings

    save_seq2seq(decoder.model, decoder.vocabulary, decoder.max_length, models_dir=tmp_path, fingerprint="abc", run={"epochs_run": 2})
    settings = load_settings("derivative_seq2seq", tmp_path, "derivative", "06_derivative_models.ipynb")
    assert settings["fingerprint"] == "abc" and settings["run"] == {"epochs_run": 2}
    assert settings["tokens"] == decoder.vocabulary.tokens


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFoundError, match="notebooks/06"):
        load_seq2seq(tmp_path)
    with pytest.raises(ModelNotFoundError, match="notebooks/06"):
        saved_seq2seq_mode(tmp_path)


def test_each_pass_of_a_passes_dataset_reads_its_own_lines_after_a_restart_too():
    from lstm_utils.derivatives.seq2seq import seq2seq_passes_dataset

    vocabulary = TokenVocabulary.for_notation()
    passes = [
        [("d(3x)/dx", "3"), ("d(x^2)/dx", "2x"), ("d(5x)/dx", "5")],
        [("d(7y)/dy", "7"), ("d(y^3)/dy", "3y^2"), ("d(2y)/dy", "2")],
    ]

    def targets_of_pass(dataset):
        return sorted(vocabulary.decode(row) for _, out in dataset for row in out.numpy())

    dataset = seq2seq_passes_dataset(vocabulary, passes, batch_size=2, seed=3)
    assert len(dataset) == 2
    first, second, third = (targets_of_pass(dataset) for _ in range(3))
    assert first == sorted(t for _, t in passes[0]) and second == sorted(t for _, t in passes[1])
    assert third == first  # Back to the first pass once every pass has been used.
    resumed = seq2seq_passes_dataset(vocabulary, passes, batch_size=2, seed=3)
    resumed.batch_order.start_at(1)
    assert targets_of_pass(resumed) == second
    with pytest.raises(ValueError, match="as many lines"):
        seq2seq_passes_dataset(vocabulary, [passes[0], passes[1][:2]], batch_size=2)
