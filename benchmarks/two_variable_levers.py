"""Which change helps the encoder-decoder on two-variable products: each trained and measured.

    python benchmarks/two_variable_levers.py                         # about 45 minutes on the 2-core CPU
    LSTM_TUTORIAL_SMOKE=1 python benchmarks/two_variable_levers.py   # tiny, for the tests

Notebook 06's encoder-decoder loses almost all its test derivatives in one family, products
with a second variable held constant (`d(10z^6*p^4)/dp=40z^6*p^3`): it gets a number wrong, or
differentiates by the other variable. Each variant trains notebook 06's model (same size,
optimiser, batch size and seed) on that family's training lines only, for the same epochs,
with one change to what it reads or writes, then decodes the family's test functions greedily:

- `notebook`: the lines as notebook 06 feeds them;
- `variable_first`: the variable moved from the end of the input to its front
  (`pd(10z^6*p^4)/d`), so the encoder's forward direction knows it before the function;
- `digits_reversed`: every number of the derivative written last digit first (`04z^6*p^3`),
  the order in which a product's digits are worked out, carries included.

This ranks the changes on the hard family; it does not reproduce notebook 06's numbers, since
each model here sees one family and fewer lines. A variant that has finished training is
reused when the script is started again (`fit_resumable`), so an interrupted run goes on.

Writes results/two_variable_levers_<device>.json.
"""

import os
import re
import sys
import time

FAMILY = "two_variable"
VARIANTS = ("notebook", "variable_first", "digits_reversed")
DATASET_SIZE = {"full": 1_000_000, "smoke": 5_000}
SETTINGS = {
    "full": {"embedding_dim": 64, "encoder_units": 128, "decoder_units": 256, "epochs": 8, "batch_size": 256},
    "smoke": {"embedding_dim": 16, "encoder_units": 32, "decoder_units": 64, "epochs": 1, "batch_size": 128},
}
SEED = 42


def unchanged(text: str) -> str:
    return text


def variable_first(source: str) -> str:
    """`d(f)/dx` read as `xd(f)/d`: the same tokens, the variable first."""
    return source[-1] + source[:-1]


def reverse_numbers(text: str) -> str:
    """Every number written backwards; applied twice, it gives the text back."""
    return re.sub(r"\d+", lambda number: number.group()[::-1], text)


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    from lstm_utils import config
    from lstm_utils.derivatives.dataset import load_dataset
    from lstm_utils.derivatives.metrics import error_kind, shares_by_group
    from lstm_utils.derivatives.model import build_seq2seq
    from lstm_utils.derivatives.notation import parse_line
    from lstm_utils.derivatives.seq2seq import Seq2SeqDecoder, TokenVocabulary, seq2seq_dataset
    from lstm_utils.results import device_kind, save_results
    from lstm_utils.training.fit import fit_resumable, set_seeds

    mode = config.run_mode()
    settings = SETTINGS[mode]
    dataset = load_dataset(DATASET_SIZE[mode], SEED)
    lines = {name: [e for e in dataset[name] if e.family == FAMILY] for name in ("train", "validation", "test")}
    print(", ".join(f"{name}: {len(examples):,}" for name, examples in lines.items()), f"{FAMILY} lines")
    vocabulary = TokenVocabulary.for_notation()
    test_lines = [parse_line(e.source) for e in lines["test"]]
    started = time.perf_counter()
    measured = {}
    for variant in VARIANTS:
        read = variable_first if variant == "variable_first" else unchanged
        write = reverse_numbers if variant == "digits_reversed" else unchanged
        train, validation = (
            seq2seq_dataset(
                vocabulary, [read(e.source) for e in lines[name]], [write(e.target) for e in lines[name]],
                settings["batch_size"], shuffle=name == "train", seed=SEED,
            )
            for name in ("train", "validation")
        )
        set_seeds(SEED)
        model = build_seq2seq(len(vocabulary), settings["embedding_dim"], settings["encoder_units"], settings["decoder_units"])
        model.compile(
            optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        print(f"{variant}: training {settings['epochs']} epochs", flush=True)
        run = fit_resumable(
            model, train, validation, epochs=settings["epochs"],
            run_name=f"two_variable_{variant}", verbose=2,
        )
        decoding_started = time.perf_counter()
        decoder = Seq2SeqDecoder(model, vocabulary, max_length=40)
        predictions = [write(p) for p in decoder.predict([read(e.source) for e in lines["test"]])]
        kinds = [
            error_kind(line.function, line.variable, prediction, example.target)
            for line, prediction, example in zip(test_lines, predictions, lines["test"], strict=True)
        ]
        measured[variant] = {
            "exact_match": sum(kind is None for kind in kinds) / len(kinds),
            "error_kinds": shares_by_group(kinds, [FAMILY] * len(kinds))[FAMILY],
            "training_seconds": run["training_seconds"],
            "epochs_run": run["epochs_run"],
            "val_accuracy": run["history"]["val_accuracy"],
            "decoding_seconds": time.perf_counter() - decoding_started,
        }
        print(f"{variant}: exact match {measured[variant]['exact_match']:.4f}, errors {measured[variant]['error_kinds']}")
    device = device_kind()
    path = save_results(
        f"two_variable_levers_{device}",
        {
            "device": device,
            "family": FAMILY,
            "config": {**settings, "seed": SEED, "dataset_size": DATASET_SIZE[mode]},
            "examples": {name: len(examples) for name, examples in lines.items()},
            "variants": measured,
            "seconds": time.perf_counter() - started,
        },
    )
    print(f"results in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
