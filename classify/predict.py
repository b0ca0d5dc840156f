"""Load a trained model safely and turn items into proposals with probabilities, evidence and auto-accept.

A joblib file is a pickle: loading it runs code. So `load_model` first checks the file's SHA-256 against the one
`make train` wrote into `model.json` and refuses a file that differs.

Example:
    >>> model = load_model()  # doctest: +SKIP
    >>> model.propose([{"id": "1", "text": "对无证经营食品的行政处罚", "lead_dept": "县市场监管局"}])[0]["label"]  # doctest: +SKIP
    'returned'
"""

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from sklearn.pipeline import Pipeline

from classify.features import SENTENCE, is_sentence, model_input, readable, view_of, word_features
from dutylist import config, store
from dutylist.errors import ModelMissing, ModelTampered
from dutylist.items import LABELS, file_sha256

MODEL_FILE = "model.joblib"
META_FILE = "model.json"
EVIDENCE_SIZE = 5
NEVER = 1.01  # a threshold no probability reaches
BATCH = 2000


def threshold(thresholds: dict[str, float], label: str, row: dict) -> float:
    """The auto-accept threshold for an item proposed as `label`: the sentence one if `thresholds` has one and
    the item reads as a sentence (`is_sentence`), else the label's, else NEVER.

    >>> threshold({"basic": 0.9, "basic@sentence": 0.8}, "basic", {"text": "乡镇负责辖区内河道的日常巡查和保洁工作"})
    0.8
    """
    sentence = thresholds.get(label + SENTENCE)
    if sentence is not None and is_sentence(row):
        return sentence
    return thresholds.get(label, NEVER)


def class_weights(classifier) -> np.ndarray:
    """Per-class weight of every feature (n_classes × n_features) of a fitted linear classifier.

    Works for linear models (`coef_`), naive Bayes (`feature_log_prob_`), `CalibratedClassifierCV` around either
    (the average over its calibrated copies) and a `VotingClassifier` of those (the average over its members).
    """
    if hasattr(classifier, "calibrated_classifiers_"):
        return np.mean([class_weights(c.estimator) for c in classifier.calibrated_classifiers_], axis=0)
    if hasattr(classifier, "estimators_"):  # a soft-voting ensemble: its members' weights, averaged
        return np.mean([class_weights(member) for member in classifier.estimators_], axis=0)
    weights = getattr(classifier, "coef_", None)
    if weights is None:
        weights = classifier.feature_log_prob_
    return np.asarray(weights.toarray() if hasattr(weights, "toarray") else weights)


@dataclass
class View:
    """One fitted pipeline (steps "features" and "classifier") and its per-label auto-accept thresholds."""

    name: str
    pipeline: Pipeline
    thresholds: dict[str, float]
    _push: np.ndarray | None = field(default=None, repr=False)
    _names: list[str] | None = field(default=None, repr=False)

    def propose(self, rows: list[dict], model_id: str) -> list[dict]:
        docs = [model_input(row, self.name) for row in rows]
        features = self.pipeline.named_steps["features"].transform(docs)
        probs = self.pipeline.named_steps["classifier"].predict_proba(features)
        labels = [str(label) for label in self.pipeline.classes_]
        proposals = []
        for i, row in enumerate(rows):
            best = int(probs[i].argmax())
            confidence = float(probs[i, best])
            proposals.append(
                {
                    "id": row.get("id"),
                    "label": labels[best],
                    "confidence": round(confidence, 4),
                    "probs": {name: round(float(p), 4) for name, p in zip(labels, probs[i], strict=True)},
                    "evidence": self._evidence(docs[i], features[i], best),
                    "model": model_id,
                    "auto_accept": confidence >= self.threshold(labels[best], row),
                }
            )
        return proposals

    def threshold(self, label: str, row: dict) -> float:
        return threshold(self.thresholds, label, row)

    def _evidence(self, doc: str, row_features, best: int) -> list[str]:
        """The words and markers of this item that pushed most toward the chosen label, markers as readable
        phrases (`features.readable`: "[句式:报县级部门]" → "句式：报县级部门").

        Contribution = feature value × (weight for the label − mean weight over labels). A char n-gram counts
        only where it is also one of the item's words (summed with it), so reviewers see words, not fragments
        such as "的行"; a word inside one already listed is skipped.
        """
        if self._push is None:
            weights = class_weights(self.pipeline.named_steps["classifier"])
            self._push = weights - weights.mean(axis=0)
            names = self.pipeline.named_steps["features"].get_feature_names_out()
            self._names = [str(name).split("__", 1)[1] for name in names]
        words = {word for word in word_features(doc) if len(word) > 1}
        row = row_features.tocsr()
        totals: Counter = Counter()
        for index, value in zip(row.indices, row.data, strict=True):
            if self._names[index] in words:
                totals[self._names[index]] += value * self._push[best, index]
        chosen: list[str] = []
        for name, push in totals.most_common():
            if push <= 0 or len(chosen) == EVIDENCE_SIZE:
                break
            if not any(name in earlier for earlier in chosen):
                chosen.append(name)
        return [readable(name) for name in chosen]


@dataclass
class Model:
    """The fitted pipelines of each view (see classify/features.py) with the record `make train` wrote.

    `meta["thresholds"]` maps view -> label -> threshold (and "label@sentence" -> threshold for sentence-shaped
    items where a view sets them apart); `meta["views"]` names each view's variant.
    """

    pipelines: dict[str, Pipeline]
    meta: dict
    path: Path | None = None
    views: dict[str, View] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.views = {
            name: View(name, pipeline, self.meta.get("thresholds", {}).get(name, {}))
            for name, pipeline in self.pipelines.items()
        }

    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def labels(self) -> list[str]:
        return list(LABELS)

    def propose(self, rows: list[dict]) -> list[dict]:
        """One proposal per row, in order: {id, label, confidence, probs, evidence, model, auto_accept}.

        Rows need `text`; `detail`, `lead_dept`, `section` and `source_label` are used when present. Each row goes
        to the view its fields call for (`view_of`).
        """
        proposals: list[dict | None] = [None] * len(rows)
        for name, view in self.views.items():
            indexes = [i for i, row in enumerate(rows) if view_of(row) == name]
            if indexes:
                for i, proposal in zip(
                    indexes, view.propose([rows[i] for i in indexes], self.id), strict=True
                ):
                    proposals[i] = proposal
        return proposals


def load_model(models_dir: str | Path | None = None) -> Model:
    """The trained model in `models_dir` (default: setting "models"), refused if its SHA-256 was changed.

    Raises `ModelMissing` when no model was trained yet and `ModelTampered` when model.joblib is not the file
    `make train` wrote (its hash differs from model.json).
    """
    folder = Path(models_dir or config.get("models"))
    path, meta_path = folder / MODEL_FILE, folder / META_FILE
    if not path.exists() or not meta_path.exists():
        raise ModelMissing(
            f"{folder}: 尚无模型，请先运行 make train（或 dutylist train）。/ no trained model yet: run make train"
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelTampered(
            f"{meta_path}: 模型记录文件已损坏（{exc}），无法核对模型。请运行 make train 重新训练。"
            f" / model record is damaged: retrain with make train"
        ) from exc
    expected, actual = meta.get("sha256", ""), file_sha256(path)
    if actual != expected:
        raise ModelTampered(
            f"{path}: 模型文件的 SHA-256 与训练时记录的不一致（记录 expected {expected}，实际 actual {actual}）。"
            f"模型文件加载时会执行代码，为安全起见拒绝加载。请运行 make train 重新训练。"
            f" / model file was changed since training; refusing to load it: run make train"
        )
    return Model(joblib.load(path), meta, path)


def classify_workspace(conn: sqlite3.Connection, model: Model) -> dict[str, int]:
    """Propose labels for every workspace item this model has not proposed yet; return new proposals per label.

    The model version is recorded first, so every proposal says which model made it.
    """
    store.add_model(conn, model.id, str(model.path), model.meta["sha256"], model.meta.get("metrics", {}))
    counts = dict.fromkeys(LABELS, 0)
    rows = store.items_without_proposal(conn, model.id)
    for start in range(0, len(rows), BATCH):
        proposals = model.propose(rows[start : start + BATCH])
        store.add_proposals(conn, model.id, [{**p, "item_id": p["id"]} for p in proposals])
        for proposal in proposals:
            counts[proposal["label"]] += 1
    return counts
