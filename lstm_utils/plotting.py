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
    print(f"Saved {path}")
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
