"""What makes notebook 06's encoder-decoder train faster here: one setting changed at a time, measured.

    python benchmarks/derivative_levers.py                         # about 15 minutes on the 2-core CPU
    LSTM_TUTORIAL_SMOKE=1 python benchmarks/derivative_levers.py   # tiny, for the tests

Every variant is notebook 06's encoder-decoder (its configuration: embedding 64, bidirectional
LSTM encoder of 128 units a direction, LSTM decoder of 256 with attention) on the generated
training lines. The reference is the notebook's own feeding: batches of 256 lines of similar
length, each padded only to its longest line, with masks. The others change one setting: the
batch size; every line padded to the longest line of the dataset; that padding with every LSTM
unrolled (`unroll` needs a fixed length, and derivative lines are at most 30 characters); XLA.

Timing as in `imdb_levers.py` (`step_timing.py`): a sixty-fourth of an epoch's batches, spread
over their widths, each keeping its fastest step over several rounds. Speed only.

Writes results/derivative_levers_<device>.json.
"""

import os
import sys
import time

from step_timing import FastestSteps, measure_variants, sample_by_width

NOTEBOOK = {"batch_size": 256, "padded_to_longest": False, "unroll": False, "jit_compile": False}
VARIANTS = {
    "bucketed_batch_256": {},
    "bucketed_batch_128": {"batch_size": 128},
    "bucketed_batch_512": {"batch_size": 512},
    "padded_to_longest_batch_256": {"padded_to_longest": True},
    "padded_to_longest_batch_256_unroll": {"padded_to_longest": True, "unroll": True},
    "bucketed_batch_256_xla": {"jit_compile": True},
}
SMOKE_VARIANTS = ["bucketed_batch_256", "padded_to_longest_batch_256_unroll"]
DATASET_SIZE = {"full": 1_000_000, "smoke": 5_000}
MODEL = {"full": {"embedding_dim": 64, "encoder_units": 128, "decoder_units": 256},
         "smoke": {"embedding_dim": 16, "encoder_units": 32, "decoder_units": 64}}
TIMED_SHARE = 1 / 64
ROUNDS = {"full": 3, "smoke": 2}


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    from lstm_utils import config
    from lstm_utils.derivatives.dataset import load_dataset
    from lstm_utils.derivatives.seq2seq import TokenVocabulary
    from lstm_utils.results import device_kind, save_results

    mode = config.run_mode()
    train = load_dataset(DATASET_SIZE[mode], seed=42)["train"]
    sources = [example.source for example in train]
    targets = [example.target for example in train]
    vocabulary = TokenVocabulary.for_notation()
    tf.get_logger().setLevel("ERROR")  # Each batch width traces the step once; the warning about it is expected.
    variants = {name: VARIANTS[name] for name in SMOKE_VARIANTS} if config.is_smoke_mode() else VARIANTS
    started = time.perf_counter()
    measured = measure_variants(
        {name: {**NOTEBOOK, **changes} for name, changes in variants.items()},
        lambda settings: timed_variant(settings, MODEL[mode], vocabulary, sources, targets),
        ROUNDS[mode], len(sources), "bucketed_batch_256", "speedup_over_notebook",
    )
    device = device_kind()
    path = save_results(
        f"derivative_levers_{device}",
        {
            "device": device,
            "model": MODEL[mode],
            "train_examples": len(sources),
            "timed_share_of_an_epoch": TIMED_SHARE,
            "rounds": ROUNDS[mode],
            "variants": measured,
            "seconds": time.perf_counter() - started,
        },
    )
    print(f"results in {path}")
    return 0


def timed_variant(settings: dict, model_settings: dict, vocabulary, sources, targets) -> FastestSteps:
    """The variant's compiled model on a sixty-fourth of an epoch's batches, traced for every width."""
    import numpy as np

    from lstm_utils.derivatives.model import build_seq2seq
    from lstm_utils.derivatives.seq2seq import seq2seq_dataset
    from lstm_utils.training.fit import set_seeds

    dataset = seq2seq_dataset(vocabulary, sources, targets, settings["batch_size"], seed=42)
    batches = sample_by_width([((x.numpy(), y.numpy()), z.numpy()) for (x, y), z in dataset], TIMED_SHARE)
    longest = None
    if settings["padded_to_longest"]:
        longest = max(len(vocabulary.encode(text)) + 1 for text in sources + targets)

        def widen(matrix):
            return np.pad(matrix, ((0, 0), (0, longest - matrix.shape[1])))

        batches = [((widen(x), widen(y)), widen(z)) for (x, y), z in batches]
    set_seeds(42)
    model = build_seq2seq(len(vocabulary), **model_settings)
    if settings["unroll"]:
        model = unrolled(model, longest)
    model.compile("adam", "sparse_categorical_crossentropy", jit_compile=settings["jit_compile"])
    return FastestSteps(model, batches)


def unrolled(model, length: int):
    """The same model with inputs of exactly `length` tokens and every LSTM unrolled over them."""
    import keras

    def clone(layer):
        settings = layer.get_config()
        if isinstance(layer, keras.layers.LSTM):
            settings["unroll"] = True
        elif isinstance(layer, keras.layers.Bidirectional):
            settings["layer"]["config"]["unroll"] = True
            settings["backward_layer"]["config"]["unroll"] = True
        return type(layer).from_config(settings)

    inputs = [keras.Input((length,), dtype="int32", name=tensor.name) for tensor in model.inputs]
    return keras.models.clone_model(model, input_tensors=inputs, clone_function=clone)


if __name__ == "__main__":
    sys.exit(main())
