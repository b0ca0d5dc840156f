"""How good a model's proposals are on labelled items: the figures of the model card and the tests.

`scores` works on plain arrays (true labels, class probabilities, accept flags) so training can score
out-of-fold predictions with the same code that `evaluate` uses for a saved model on the locked test split.

Example:
    >>> report = evaluate(load_model(), corpus.load("test"))  # doctest: +SKIP
    >>> round(report["macro_f1"], 3), report["auto_accept"]["coverage"]  # doctest: +SKIP
    (0.93, 0.71)
"""

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

from dutylist.items import LABELS

ECE_BINS = 10


def expected_calibration_error(correct: np.ndarray, confidence: np.ndarray, bins: int = ECE_BINS) -> float:
    """Top-label ECE: the gap between confidence and accuracy, averaged over equal-width confidence bins.

    >>> round(expected_calibration_error(np.array([1, 0]), np.array([0.9, 0.9])), 2)
    0.4
    """
    if len(correct) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    gap = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            gap += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(gap)


def scores(
    y_true: Sequence[str],
    probs: np.ndarray,
    labels: Sequence[str] = LABELS,
    accepted: Sequence[bool] | None = None,
) -> dict:
    """Macro-F1, per-class precision/recall, confusion matrix, ECE and auto-accept figures.

    `probs[i, j]` is the probability of `labels[j]` for item i; the prediction is the most probable label. The
    auto-accept figures are given when `accepted` (one flag per item, see `predict.threshold`) is.
    """
    labels = list(labels)
    y_true = np.asarray(y_true)
    probs = np.asarray(probs, dtype=float)
    predicted = np.asarray(labels)[probs.argmax(axis=1)] if len(y_true) else np.asarray([], dtype=str)
    confidence = probs.max(axis=1) if len(y_true) else np.asarray([])
    correct = predicted == y_true
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, predicted, labels=labels, zero_division=0
    )
    confusion = {t: {p: int(((y_true == t) & (predicted == p)).sum()) for p in labels} for t in labels}
    report = {
        "n": int(len(y_true)),
        "accuracy": float(correct.mean()) if len(y_true) else 0.0,
        "macro_f1": float(f1_score(y_true, predicted, labels=labels, average="macro", zero_division=0)),
        "per_class": {
            label: {
                "precision": float(precision[j]),
                "recall": float(recall[j]),
                "f1": float(f1[j]),
                "support": int(support[j]),
            }
            for j, label in enumerate(labels)
        },
        "confusion": confusion,
        "ece": expected_calibration_error(correct.astype(float), confidence),
    }
    if accepted is not None:
        report["auto_accept"] = _acceptance(np.asarray(accepted, dtype=bool), correct, predicted, labels)
    return report


def _acceptance(accepted: np.ndarray, correct: np.ndarray, predicted: np.ndarray, labels: list[str]) -> dict:
    def figures(mask: np.ndarray) -> dict:
        taken = accepted & mask
        return {
            "accepted": int(taken.sum()),
            "coverage": float(taken.sum() / mask.sum()) if mask.any() else 0.0,
            "precision": float(correct[taken].mean()) if taken.any() else None,
        }

    overall = figures(np.ones_like(accepted, dtype=bool))
    overall["per_class"] = {label: figures(predicted == label) for label in labels}
    return overall


def evaluate(model, rows: list[dict]) -> dict:
    """Score `model` (a `classify.predict.Model`) on labelled rows; adds the misclassified items as `errors`.

    Each error is {id, text, label, predicted, confidence, evidence}, least confident-looking mistakes last.
    """
    proposals = model.propose(rows)
    probs = np.array([[p["probs"][label] for label in model.labels] for p in proposals]).reshape(
        len(proposals), len(model.labels)
    )
    accepted = [p["auto_accept"] for p in proposals]
    report = scores([row["label"] for row in rows], probs, model.labels, accepted=accepted)
    report["errors"] = sorted(
        (
            {
                "id": row["id"],
                "text": row["text"],
                "label": row["label"],
                "predicted": p["label"],
                "confidence": p["confidence"],
                "auto_accept": p["auto_accept"],
                "evidence": p["evidence"],
            }
            for row, p in zip(rows, proposals, strict=True)
            if p["label"] != row["label"]
        ),
        key=lambda error: -error["confidence"],
    )
    return report
