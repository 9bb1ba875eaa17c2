import pytest

from lstm_utils.imdb.metrics import binary_classification_metrics


def test_metrics_of_a_small_known_case():
    y_true = [0, 0, 0, 1, 1, 1, 1, 1]
    probabilities = [0.1, 0.6, 0.2, 0.9, 0.8, 0.4, 0.7, 0.3]
    metrics = binary_classification_metrics(y_true, probabilities)
    # Predicted: 0 1 0 1 1 0 1 0 -> TN 2, FP 1, FN 2, TP 3.
    assert metrics["confusion_matrix"] == [[2, 1], [2, 3]]
    assert metrics["accuracy"] == pytest.approx(5 / 8)
    assert metrics["precision"] == pytest.approx(3 / 4)
    assert metrics["recall"] == pytest.approx(3 / 5)
    assert metrics["f1"] == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    # 13 of the 15 (positive, negative) pairs rank the positive higher.
    assert metrics["roc_auc"] == pytest.approx(13 / 15)
    assert metrics["examples"] == 8


def test_threshold_moves_the_decisions():
    metrics = binary_classification_metrics([0, 1], [0.3, 0.4], threshold=0.35)
    assert metrics["accuracy"] == 1.0


def test_mismatched_lengths_and_single_class_are_rejected():
    with pytest.raises(ValueError, match="labels"):
        binary_classification_metrics([0, 1, 1], [0.2, 0.8])
    with pytest.raises(ValueError, match="both classes"):
        binary_classification_metrics([1, 1], [0.2, 0.8])
