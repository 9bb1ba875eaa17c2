"""The `python -m lstm_utils` command line, run as a user would run it."""

import json
import os
import re
import subprocess
import sys

import keras
import pytest

from lstm_utils.imdb.sentiment import SentimentModel, model_paths, save_sentiment_model
from lstm_utils.imdb.text import WordIndex
from lstm_utils.saved_models import load_model


def run_cli(*arguments, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "lstm_utils", *arguments],
        capture_output=True,
        text=True,
        input=stdin,
        env=os.environ.copy(),
        timeout=120,
        check=False,
    )


def test_importing_the_command_line_and_sentiment_modules_starts_no_tensorflow():
    # The command line silences TensorFlow's start-up lines around the model load only, so an
    # import at the top of these modules would print them on every command.
    code = "import sys, lstm_utils.imdb.sentiment, lstm_utils.cli; print('tensorflow' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "False"


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    """A small untrained model saved the way notebook 02 saves the real one."""
    folder = tmp_path_factory.mktemp("models")
    word_index = WordIndex.from_texts(["a great film", "a bad film"], num_words=10)
    token_ids = keras.Input(shape=(None,), dtype="int32")
    vectors = keras.layers.Embedding(10, 4, mask_zero=True)(token_ids)
    state = keras.layers.LSTM(3)(vectors)
    model = keras.Model(token_ids, keras.layers.Dense(1, activation="sigmoid")(state))
    save_sentiment_model(model, word_index, maxlen=20, truncating="pre", models_dir=folder)
    return folder


def test_a_sentiment_model_keeps_the_padding_side_it_was_saved_with(models_dir, tmp_path):
    assert SentimentModel(models_dir).padding == "post"
    model, _ = load_model("imdb_lstm", models_dir, "sentiment", "02_simple_rnn_vs_lstm.ipynb")
    word_index = WordIndex.from_texts(["a great film"], num_words=10)
    save_sentiment_model(
        model, word_index, maxlen=20, truncating="pre", models_dir=tmp_path, padding="pre", bucket_width=10
    )
    reloaded = SentimentModel(tmp_path)
    assert (reloaded.padding, reloaded.bucket_width) == ("pre", 10)


def test_sentiment_prints_one_line_per_text(models_dir):
    result = run_cli("sentiment", "--models-dir", str(models_dir), "a great film", "bad")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    for line, text in zip(lines, ["a great film", "bad"]):
        label, probability, rest = line.split(" ", 2)
        assert label in {"positive", "negative"} and 0 <= float(probability) <= 1 and rest == text


def test_sentiment_json(models_dir):
    result = run_cli("sentiment", "--json", "--models-dir", str(models_dir), "great", "a bad film")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["text"] for r in records] == ["great", "a bad film"]
    for record in records:
        assert record["label"] == ("positive" if record["probability"] >= 0.5 else "negative")


def test_sentiment_reads_standard_input(models_dir):
    result = run_cli("sentiment", "--models-dir", str(models_dir), "-", stdin="a great film\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("a great film")


def test_missing_model_is_one_clear_line(tmp_path):
    result = run_cli("sentiment", "--models-dir", str(tmp_path), "some text")
    assert result.returncode == 1
    assert result.stderr.startswith("error: No trained sentiment model")
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_text_without_words_is_refused_alone(models_dir):
    result = run_cli("sentiment", "--models-dir", str(models_dir), "?!")
    assert result.returncode == 3 and result.stdout == "\n"
    assert result.stderr == "text 1: no words to classify in '?!'\n"


def test_text_of_unknown_words_only_is_refused_and_the_others_answered(models_dir):
    result = run_cli("sentiment", "--models-dir", str(models_dir), "a great film", "zyzzyva quux", "bad")
    assert result.returncode == 3
    first, refused, last = result.stdout.split("\n")[:3]
    assert first.endswith(" a great film") and refused == "" and last.endswith(" bad")
    assert result.stderr.count("\n") == 1 and "text 2: none of the words in 'zyzzyva quux'" in result.stderr


def test_a_megabyte_of_text_is_refused_with_the_limit(models_dir):
    result = run_cli("sentiment", "--models-dir", str(models_dir), "-", stdin="a great film " * 80_000)
    assert result.returncode == 3 and result.stdout == "\n"
    assert result.stderr.count("\n") == 1 and "1,040,000 characters; the limit is 100,000" in result.stderr


def test_a_file_of_a_thousand_texts_with_bad_lines_among_them(models_dir, tmp_path):
    texts = ["a great film", "a bad film"] * 500
    texts[10], texts[500], texts[700] = "zyzzyva", "", "?!"
    inputs, out = tmp_path / "reviews.txt", tmp_path / "results.txt"
    inputs.write_text("\n".join(texts) + "\n")
    result = run_cli("sentiment", "--models-dir", str(models_dir), "--file", str(inputs), "--out", str(out))
    assert result.returncode == 3, result.stderr
    lines = out.read_text().split("\n")[:-1]
    assert len(lines) == 1000
    assert [i for i, line in enumerate(lines) if not line] == [10, 500, 700]
    assert all(re.fullmatch(r"(positive|negative) [01]\.\d{4}", line) for line in lines if line)
    refusals = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert [line.split(":")[0] for line in refusals] == ["line 11", "line 501", "line 701"]
    assert "Classifying" in result.stderr  # The progress bar for a long batch.


def test_a_labelled_tsv_prints_the_accuracy_and_json_has_null_for_a_refused_text(models_dir, tmp_path):
    inputs = tmp_path / "labelled.tsv"
    inputs.write_text("label\ttext\n1\ta great film\n0\ta bad film\n1\tzyzzyva\n\tgreat\n")
    result = run_cli("sentiment", "--models-dir", str(models_dir), "--file", str(inputs), "--json")
    assert result.returncode == 3, result.stderr
    output, accuracy = result.stdout.rsplit("]", 1)
    records = json.loads(output + "]")
    assert [r and r["text"] for r in records] == ["a great film", "a bad film", None, "great"]
    # Two answered texts have labels: the unlabelled and the refused one are not scored.
    assert re.fullmatch(r"\naccuracy (0|0\.5|1)\.?\d* on 2 labelled texts\n", accuracy)
    assert "row 3: none of the words" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("text\tlabel\ngood\tmaybe\n", "line 2: a label is 0, 1 or empty, found 'maybe'"),
        ("review\tlabel\ngood\t1\n", "one of them 'text'"),
        ("text\tlabel\ngood\n", "line 2: 1 columns, the header has 2"),
    ],
)
def test_a_malformed_tsv_is_one_line(models_dir, tmp_path, content, message):
    inputs = tmp_path / "bad.tsv"
    inputs.write_text(content)
    result = run_cli("sentiment", "--models-dir", str(models_dir), "--file", str(inputs))
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_texts_and_a_file_together_are_a_usage_error(models_dir, tmp_path):
    result = run_cli("sentiment", "--models-dir", str(models_dir), "--file", str(tmp_path / "x.txt"), "good")
    assert result.returncode == 2 and "either texts" in result.stderr
    assert run_cli("sentiment", "--models-dir", str(models_dir)).returncode == 2


def _damaged_copy(source, folder, name, damage):
    """A copy of a saved model's two files with one of them damaged by `damage`."""
    import shutil

    folder.mkdir()
    for path in source.iterdir():
        shutil.copy(path, folder / path.name)
    damage(folder / f"{name}.keras", folder / f"{name}_vocabulary.json")
    return folder


DAMAGES = {
    "truncated": (lambda model, vocabulary: model.write_bytes(model.read_bytes()[:1000]), "is not a .keras archive"),
    "lfs_pointer": (
        lambda model, vocabulary: model.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 2900000\n"),
        "a Git LFS pointer, not the model: run `git lfs pull`",
    ),
    "bad_json": (lambda model, vocabulary: vocabulary.write_text('{"tokens": ['), "is not valid JSON"),
    "missing_key": (lambda model, vocabulary: vocabulary.write_text("{}"), "lacks"),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_sentiment_model_is_one_clear_line_and_nothing_is_written(models_dir, tmp_path, damage):
    change, message = DAMAGES[damage]
    folder = _damaged_copy(models_dir, tmp_path / "models", "imdb_lstm", change)
    out = tmp_path / "results.txt"
    result = run_cli("sentiment", "--models-dir", str(folder), "--out", str(out), "a great film")
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert not out.exists()


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_derivative_model_is_one_clear_line_and_nothing_is_written(derivative_models_dir, tmp_path, damage):
    change, message = DAMAGES[damage]
    folder = _damaged_copy(derivative_models_dir, tmp_path / "models", "derivative_seq2seq", change)
    out = tmp_path / "predictions.txt"
    result = run_cli("derive", "--models-dir", str(folder), "--out", str(out), "3x^2")
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert not out.exists()


def test_help_and_usage_errors():
    assert run_cli("sentiment", "--help").returncode == 0
    assert run_cli().returncode == 2


def test_saved_model_is_small(models_dir):
    model_file, vocabulary_file = model_paths(models_dir)
    assert model_file.is_file() and json.loads(vocabulary_file.read_text())["maxlen"] == 20


@pytest.fixture(scope="module")
def derivative_models_dir(tmp_path_factory):
    """A tiny untrained encoder-decoder saved the way notebook 06 saves the real one."""
    from lstm_utils.derivatives.model import build_seq2seq
    from lstm_utils.derivatives.seq2seq import TokenVocabulary, save_seq2seq

    folder = tmp_path_factory.mktemp("derivative_models")
    vocabulary = TokenVocabulary.from_texts(["d(4cos^2(9x^3))/dx=-216x^2*sin(9x^3)*cos(9x^3)+1"])
    model = build_seq2seq(len(vocabulary), embedding_dim=4, encoder_units=3, decoder_units=6)
    save_seq2seq(model, vocabulary, max_length=6, models_dir=folder)
    return folder


def test_derive_prints_a_prediction_and_the_sympy_verdict(derivative_models_dir):
    result = run_cli("derive", "--models-dir", str(derivative_models_dir), "4cos^2(9x^3)", "--var", "x")
    assert result.returncode == 0, result.stderr
    line, summary = result.stdout.splitlines()
    assert line.startswith("d(4cos^2(9x^3))/dx=")
    # An untrained model: whichever it is, the answer says whether SymPy confirmed it.
    assert re.search(r"\[(confirmed|unconfirmed \(none of \d+ candidates checks out\))\]$", line), line
    assert re.fullmatch(r"confirmed by SymPy: [01] of 1; unconfirmed: [01]", summary)


def test_derive_no_verify_decodes_plainly_and_still_says_what_sympy_thinks(derivative_models_dir):
    result = run_cli("derive", "--models-dir", str(derivative_models_dir), "--no-verify", "4cos^2(9x^3)")
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.endswith(("[confirmed]", "[unconfirmed (SymPy rejects it)]")), line


def test_derive_file_writes_one_line_per_input_and_reports_malformed_lines(derivative_models_dir, tmp_path):
    inputs = tmp_path / "inputs.txt"
    inputs.write_text("d(3x^2)/dx=6x\nd(3x^2+/dx\nd(cos(x))/dx\n")
    out = tmp_path / "predictions.txt"
    result = run_cli("derive", "--models-dir", str(derivative_models_dir), "--file", str(inputs), "--out", str(out))
    assert result.returncode == 3
    assert "line 2:" in result.stderr and "Traceback" not in result.stderr
    predictions = out.read_text().split("\n")
    assert len(predictions) == 4 and predictions[1] == "" and predictions[3] == ""
    assert "scored against their targets: 1 of 3 inputs; exact match" in result.stdout


def test_derive_without_a_model_or_input_fails_cleanly(tmp_path):
    result = run_cli("derive", "--models-dir", str(tmp_path), "3x^2")
    assert result.returncode == 1 and "notebooks/06" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("derive", "--models-dir", str(tmp_path))
    assert result.returncode == 2 and "--file" in result.stderr
    result = run_cli("derive", "--models-dir", str(tmp_path), "--file", str(tmp_path / "missing.txt"))
    assert result.returncode == 1 and "cannot read" in result.stderr


def test_derive_refuses_an_unwritable_out_before_loading_a_model(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    result = run_cli("derive", "--models-dir", str(tmp_path), "3x^2", "--out", str(blocker / "predictions.txt"))
    assert result.returncode == 1
    assert result.stderr.startswith("error: Cannot write") and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("function", "flags", "message"),
    [
        ("", [], "position 0"),
        ("3x^2+(x", [], "position"),
        ("tan(x)", [], "position 0"),
        ("4log(x)", [], "position 1"),
        ("4z^3*cos(2m^5)", [], "say which variable with --var (variables in '4z^3*cos(2m^5)': m, z)"),
        ("3x^2", ["--var", "y"], "y does not occur in '3x^2'"),
        ("7" * 300 + "x", [], "300 digits"),
        ("19x^11+18x^10+17x^9+16x^8+15x^7", [], "the model reads at most 30"),
        ("3x²", [], "found '²' at position 2"),
        ("3é^2", [], "position 1"),
    ],
)
def test_derive_answers_each_bad_function_with_one_line(tmp_path, function, flags, message):
    # No model folder is needed: with nothing valid to predict, no model is loaded.
    result = run_cli("derive", "--models-dir", str(tmp_path), function, *flags)
    assert result.returncode == 3 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("function 1: ") and message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_sentiment_rejects_standard_input_that_is_not_utf8(models_dir):
    result = subprocess.run(
        [sys.executable, "-m", "lstm_utils", "sentiment", "--models-dir", str(models_dir), "-"],
        input=b"great film \xff\xfe", capture_output=True, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert result.stderr.decode().startswith("error: standard input is not UTF-8") and b"Traceback" not in result.stderr
