"""How the cost of an epoch grows with sequence length and hidden size, for SimpleRNN and LSTM.

    python benchmarks/cost_growth.py          # the full sweep, a few minutes on the 2-core CPU
    LSTM_TUTORIAL_SMOKE=1 python benchmarks/cost_growth.py   # a tiny sweep, for the tests

Each point is one model, Embedding(10,000, 128) -> SimpleRNN or LSTM -> Dense(1), trained on a
fixed batch of random reviews: a few untimed steps first (tracing), then timed steps in several
rounds that visit every point in turn, so that a burst of other work on the machine (this is a
shared virtual machine) spoils one round of a point, not all of it. A point's time is its fastest
step, scaled to an epoch of the IMDB training split. A recurrent layer does the same work at
every step, so the time should grow linearly with the length T; the fitted line says how well it
does. Along the hidden size H, the recurrent matrix product costs H x 4H per step for an LSTM
(H x H for a SimpleRNN), so the time grows towards H squared once that product outweighs the
fixed costs (the embedding's update among them); the fitted quadratic a + bH + cH^2 says how
much of the time its H^2 term is.

Writes results/cost_growth_<device>.json and figures/cost_growth_<device>.png.
"""

import os
import sys
import time

FULL = {
    "lengths": [100, 200, 300, 400, 500, 600, 700, 800],
    "units_at_length": 200,
    "units": [32, 64, 128, 256, 512],
    "units_for_lengths": 128,
    "batch_size": 64,
    "warm_up_steps": 2,
    "rounds": 4,
    "timed_steps_per_round": 3,
    "epoch_examples": 22_500,  # The IMDB training split less notebook 02's validation reviews.
}
SMOKE = FULL | {"lengths": [10, 20, 30], "units_at_length": 10, "units": [4, 8, 16], "units_for_lengths": 4, "rounds": 2, "timed_steps_per_round": 1}
KINDS = ("simple_rnn", "lstm")
VOCABULARY, EMBEDDING = 10_000, 128


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from lstm_utils import config
    from lstm_utils.results import device_kind, save_results

    settings = SMOKE if config.is_smoke_mode() else FULL
    started = time.perf_counter()
    points = [
        (sweep, kind, length, units)
        for kind in KINDS
        for sweep, length, units in [
            *(("length", length, settings["units_for_lengths"]) for length in settings["lengths"]),
            *(("units", settings["units_at_length"], units) for units in settings["units"]),
        ]
    ]
    steps = {point: TimedModel(*point[1:], settings) for point in points}
    for round_number in range(settings["rounds"]):
        print(f"round {round_number + 1} of {settings['rounds']}", flush=True)
        for timed in steps.values():
            timed.time_steps(settings["timed_steps_per_round"])
    sweeps = {"length": {kind: [] for kind in KINDS}, "units": {kind: [] for kind in KINDS}}
    for (sweep, kind, length, units), timed in steps.items():
        seconds = timed.fastest_step * settings["epoch_examples"] / settings["batch_size"]
        sweeps[sweep][kind].append(seconds)
        print(f"  {kind:>10}  T={length:<4} H={units:<4} {seconds:8.1f} s per epoch")
    fits = {
        kind: {
            "length": linear_fit(settings["lengths"], sweeps["length"][kind]),
            "units": quadratic_fit(settings["units"], sweeps["units"][kind]),
        }
        for kind in KINDS
    }
    for kind, fit in fits.items():
        print(
            f"{kind}: {fit['length']['seconds_per_step'] * 100:.2f} s per epoch for every 100 more steps "
            f"(R^2 {fit['length']['r_squared']:.3f}); at H={settings['units'][-1]} the H^2 term is "
            f"{fit['units']['quadratic_share_at_largest']:.0%} of the time"
        )
    device = device_kind()
    path = save_results(
        f"cost_growth_{device}",
        {
            "device": device,
            "config": settings,
            "seconds_per_epoch": sweeps,
            "fits": fits,
            "seconds": time.perf_counter() - started,
        },
    )
    plot(settings, sweeps, fits, device)
    print(f"results in {path}")
    return 0


class TimedModel:
    """One point of a sweep: a compiled model, its batch, and the fastest training step seen."""

    def __init__(self, kind: str, length: int, units: int, settings: dict):
        import keras
        import numpy as np
        from keras import layers

        from lstm_utils.training.fit import set_seeds

        set_seeds(0)
        token_ids = keras.Input(shape=(length,), dtype="int32")
        vectors = layers.Embedding(VOCABULARY, EMBEDDING)(token_ids)
        recurrent = {"simple_rnn": layers.SimpleRNN, "lstm": layers.LSTM}[kind](units)(vectors)
        self.model = keras.Model(token_ids, layers.Dense(1, activation="sigmoid")(recurrent))
        self.model.compile("adam", "binary_crossentropy")
        rng = np.random.default_rng(0)
        self.inputs = rng.integers(1, VOCABULARY, size=(settings["batch_size"], length), dtype=np.int32)
        self.labels = rng.integers(0, 2, size=(settings["batch_size"], 1)).astype(np.float32)
        for _ in range(settings["warm_up_steps"]):
            self.model.train_on_batch(self.inputs, self.labels)
        self.fastest_step = float("inf")

    def time_steps(self, count: int) -> None:
        for _ in range(count):
            step_started = time.perf_counter()
            self.model.train_on_batch(self.inputs, self.labels)
            self.fastest_step = min(self.fastest_step, time.perf_counter() - step_started)


def linear_fit(x: list[float], y: list[float]) -> dict:
    """Least-squares line y = intercept + slope * x, with its coefficient of determination."""
    import numpy as np

    slope, intercept = np.polyfit(x, y, 1)
    predicted = intercept + slope * np.asarray(x)
    residual = float(np.sum((np.asarray(y) - predicted) ** 2))
    total = float(np.sum((np.asarray(y) - np.mean(y)) ** 2))
    return {"seconds_per_step": float(slope), "intercept_seconds": float(intercept), "r_squared": 1 - residual / total}


def quadratic_fit(x: list[float], y: list[float]) -> dict:
    """Least-squares y = a + b*x + c*x**2 with a, b, c >= 0, and the share of the c*x**2 term at the largest x.

    Each term is a cost (fixed, per unit, per unit squared), so none may be negative; unconstrained,
    noisy timings of tiny models can give a negative linear term and a "share" above 100%.
    """
    import itertools

    import numpy as np

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    terms = np.stack([np.ones_like(x), x, x**2], axis=1)
    best, best_residual = np.zeros(3), float(np.sum(y**2))
    # Exact non-negative least squares for three terms: the best fit on every subset of them.
    for size in (1, 2, 3):
        for subset in itertools.combinations(range(3), size):
            coefficients = np.linalg.lstsq(terms[:, subset], y, rcond=None)[0]
            residual = float(np.sum((terms[:, subset] @ coefficients - y) ** 2))
            if np.all(coefficients >= 0) and residual < best_residual:
                best = np.zeros(3)
                best[list(subset)] = coefficients
                best_residual = residual
    a, b, c = (float(value) for value in best)
    largest = float(x.max())
    total = a + b * largest + c * largest**2
    return {
        "constant": a,
        "linear": b,
        "quadratic": c,
        "quadratic_share_at_largest": c * largest**2 / total if total > 0 else 0.0,
    }


def plot(settings: dict, sweeps: dict, fits: dict, device: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from lstm_utils.plotting import save_fig

    names = {"simple_rnn": "SimpleRNN", "lstm": "LSTM"}
    figure, (by_length, by_units) = plt.subplots(2, 1, figsize=(6.5, 7.5))
    lengths = np.asarray(settings["lengths"])
    for kind, color in zip(KINDS, ("tab:orange", "tab:blue")):
        fit = fits[kind]["length"]
        by_length.plot(lengths, sweeps["length"][kind], "o", color=color, label=names[kind])
        by_length.plot(
            lengths, fit["intercept_seconds"] + fit["seconds_per_step"] * lengths, "-", color=color,
            label=f"linear fit, R² = {fit['r_squared']:.3f}",
        )
    by_length.set(
        xlabel="sequence length T", ylabel="seconds per epoch",
        title=f"Hidden size {settings['units_for_lengths']}: cost grows linearly with T",
    )
    by_length.legend()
    units = np.asarray(settings["units"])
    smooth = np.linspace(units.min(), units.max(), 100)
    for kind, color in zip(KINDS, ("tab:orange", "tab:blue")):
        fit = fits[kind]["units"]
        by_units.plot(units, sweeps["units"][kind], "o", color=color, label=names[kind])
        by_units.plot(
            smooth, fit["constant"] + fit["linear"] * smooth + fit["quadratic"] * smooth**2, "-", color=color,
            label=f"quadratic fit, H² term {fit['quadratic_share_at_largest']:.0%} of the time at H = {units.max()}",
        )
    by_units.set(
        xlabel="hidden size H", ylabel="seconds per epoch",
        title=f"Length {settings['units_at_length']}: cost grows towards H² as H grows",
    )
    by_units.set_xticks(units)
    by_units.legend()
    figure.suptitle(f"Cost of one IMDB epoch on the {device.upper()}, batch {settings['batch_size']}")
    save_fig(figure, f"cost_growth_{device}", show=False)


if __name__ == "__main__":
    sys.exit(main())
