"""Figures: one `save_fig` writes every plot to `figures/` at print quality and shows it."""

import io

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from sklearn.metrics import roc_curve

from . import config
from .files import atomic_write_bytes

DPI = 200


def save_fig(figure, name: str, show: bool = True) -> None:
    """Save `figure` as `figures/<name>.png` (smoke runs: `build/smoke/figures/`) and show it."""
    path = config.figures_dir() / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    atomic_write_bytes(path, buffer.getvalue())
    print(f"Saved {config.shown_path(path)}")
    if show:
        plt.show()
    else:
        plt.close(figure)


def plot_learning_curves(histories: dict[str, dict[str, list[float]]], loss_label: str = "Binary cross-entropy"):
    """Training and validation loss and accuracy per epoch, every model on the same two axes."""
    figure, (loss_axis, accuracy_axis) = plt.subplots(1, 2, figsize=(11, 4))
    colours = sns.color_palette("deep", len(histories))
    for colour, (name, history) in zip(colours, histories.items()):
        epochs = np.arange(1, len(history["loss"]) + 1)
        for axis, metric in ((loss_axis, "loss"), (accuracy_axis, "accuracy")):
            axis.plot(epochs, history[metric], "-o", color=colour, label=f"{name} train")
            axis.plot(epochs, history[f"val_{metric}"], "--s", color=colour, label=f"{name} validation")
    for axis, metric in ((loss_axis, loss_label), (accuracy_axis, "Accuracy")):
        axis.set_xlabel("Epoch")
        axis.set_ylabel(metric)
        axis.xaxis.get_major_locator().set_params(integer=True)
        axis.legend(fontsize="small")
    return figure


def plot_confusion_matrices(matrices: dict[str, list[list[int]]], class_names=("negative", "positive")):
    """One heat map per model, on a shared colour scale so that the models compare at a glance."""
    figure, axes = plt.subplots(1, len(matrices), figsize=(4.5 * len(matrices), 4), squeeze=False)
    largest = max(np.max(matrix) for matrix in matrices.values())
    for axis, (name, matrix) in zip(axes[0], matrices.items()):
        sns.heatmap(
            np.asarray(matrix),
            vmin=0,
            vmax=largest,
            annot=True,
            fmt=",d",
            cmap="Blues",
            cbar=False,
            ax=axis,
            xticklabels=class_names,
            yticklabels=class_names,
        )
        axis.set_title(name)
        axis.set_xlabel("Predicted")
        axis.set_ylabel("True")
    return figure


def plot_roc_curves(predictions: dict[str, tuple[np.ndarray, np.ndarray]], aucs: dict[str, float]):
    """ROC curves from `{model name: (true labels, predicted probabilities)}`."""
    figure, axis = plt.subplots(figsize=(5, 5))
    for name, (y_true, probabilities) in predictions.items():
        false_positive_rate, true_positive_rate, _ = roc_curve(y_true, probabilities)
        axis.plot(false_positive_rate, true_positive_rate, label=f"{name} (AUC {aucs[name]:.3f})")
    axis.plot([0, 1], [0, 1], ":", color="grey", label="chance")
    axis.set_xlabel("False positive rate")
    axis.set_ylabel("True positive rate")
    axis.set_aspect("equal")
    axis.legend(loc="lower right")
    return figure


def draw_lstm_cell():
    """A diagram of one LSTM step: the cell-state line on top, the four gates below it.

    Drawn from the equations of notebook 04, not copied from a picture: c_{t-1} runs along the
    top through the forget gate's product and the input's sum to c_t; [h_{t-1}, x_t] feeds the
    forget, input and output gates and the candidate; tanh(c_t) times the output gate is h_t.
    """
    from matplotlib.patches import FancyBboxPatch

    figure, axis = plt.subplots(figsize=(9, 5))
    axis.set(xlim=(0, 10), ylim=(0, 6.2), aspect="equal")
    axis.axis("off")
    axis.add_patch(FancyBboxPatch((1.2, 0.9), 7.6, 4.4, boxstyle="round,pad=0.1", facecolor="#f4f6fb", edgecolor="#4a5a80"))

    def arrow(start, end, colour="#333333"):
        axis.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.6})

    def node(x, y, text, colour):
        axis.add_patch(plt.Circle((x, y), 0.28, facecolor="white", edgecolor=colour, lw=1.6, zorder=3))
        axis.text(x, y, text, ha="center", va="center", fontsize=13 if len(text) == 1 else 8, zorder=4)

    def gate(x, text, name):
        axis.add_patch(FancyBboxPatch((x - 0.42, 1.75), 0.84, 0.6, boxstyle="round,pad=0.05", facecolor="#ffe9b3", edgecolor="#a07000", zorder=3))
        axis.text(x, 2.05, text, ha="center", va="center", fontsize=12, zorder=4)
        axis.text(x, 1.45, name, ha="center", va="center", fontsize=9, color="#6b5200")

    cell_y, forget_x, input_x, candidate_x, output_x = 4.6, 2.6, 4.0, 5.2, 6.6
    # The cell state: a product with f_t, then a sum with i_t * candidate, and nothing else.
    axis.text(0.2, cell_y, "$c_{t-1}$", fontsize=14, va="center")
    arrow((0.8, cell_y), (forget_x - 0.28, cell_y), "#1f4e9c")
    node(forget_x, cell_y, "×", "#1f4e9c")
    arrow((forget_x + 0.28, cell_y), (5.2 - 0.28, cell_y), "#1f4e9c")
    node(5.2, cell_y, "+", "#1f4e9c")
    arrow((5.48, cell_y), (9.3, cell_y), "#1f4e9c")
    axis.text(9.4, cell_y, "$c_t$", fontsize=14, va="center")
    # The gates read [h_{t-1}, x_t], which enters from below.
    axis.text(0.2, 0.55, "$h_{t-1}$", fontsize=14, va="center")
    axis.text(1.55, 0.1, "$x_t$", fontsize=14, va="center")
    axis.plot([0.8, output_x], [0.55, 0.55], color="#333333", lw=1.6)
    axis.plot([1.75, 1.75], [0.3, 0.55], color="#333333", lw=1.6)
    for x, text, name in ((forget_x, "σ", "forget $f_t$"), (input_x, "σ", "input $i_t$"),
                          (candidate_x, "tanh", "candidate $\\tilde c_t$"), (output_x, "σ", "output $o_t$")):
        arrow((x, 0.55), (x, 1.2))
        gate(x, text, name)
    arrow((forget_x, 2.35), (forget_x, cell_y - 0.28))
    node(4.6, 3.4, "×", "#333333")
    axis.plot([input_x, input_x, 4.32], [2.35, 3.4, 3.4], color="#333333", lw=1.6)
    axis.plot([candidate_x, candidate_x, 4.88], [2.35, 3.4, 3.4], color="#333333", lw=1.6)
    arrow((4.6, 3.68), (5.0, cell_y - 0.22))
    # The hidden state shows the cell through tanh, scaled by the output gate.
    node(7.6, 3.9, "tanh", "#1f4e9c")
    arrow((7.6, cell_y), (7.6, 4.18), "#1f4e9c")
    node(7.6, 2.9, "×", "#333333")
    arrow((7.6, 3.62), (7.6, 3.18), "#1f4e9c")
    axis.plot([output_x, output_x, 7.32], [2.35, 2.9, 2.9], color="#333333", lw=1.6)
    axis.plot([7.88, 8.5, 8.5], [2.9, 2.9, 0.55], color="#333333", lw=1.6)
    arrow((8.5, 0.55), (9.3, 0.55))
    axis.text(9.4, 0.55, "$h_t$", fontsize=14, va="center")
    axis.set_title("One LSTM step: the cell state changes only by a product and a sum", fontsize=12)
    return figure
