"""Test-set metrics for binary classifiers."""

import numpy as np
from sklearn import metrics


def binary_classification_metrics(y_true, probabilities, threshold: float = 0.5) -> dict:
    """Accuracy, precision, recall, F1, ROC-AUC and the confusion matrix of one classifier.

    The confusion matrix is `[[true negatives, false positives], [false negatives, true positives]]`.
    """
    y_true = np.asarray(y_true).astype(int).ravel()
    probabilities = np.asarray(probabilities, dtype=float).ravel()
    if y_true.shape != probabilities.shape:
        raise ValueError(f"{len(y_true)} labels but {len(probabilities)} probabilities")
    if len(np.unique(y_true)) != 2:
        raise ValueError("both classes must occur in y_true to compute ROC-AUC")
    y_predicted = (probabilities >= threshold).astype(int)
    return {
        "accuracy": float(metrics.accuracy_score(y_true, y_predicted)),
        "precision": float(metrics.precision_score(y_true, y_predicted, zero_division=0)),
        "recall": float(metrics.recall_score(y_true, y_predicted, zero_division=0)),
        "f1": float(metrics.f1_score(y_true, y_predicted, zero_division=0)),
        "roc_auc": float(metrics.roc_auc_score(y_true, probabilities)),
        "confusion_matrix": metrics.confusion_matrix(y_true, y_predicted, labels=[0, 1]).tolist(),
        "threshold": threshold,
        "examples": len(y_true),
    }
