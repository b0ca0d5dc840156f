"""Classifier benchmark (`make bench`): the model variants compared, and the locked test split's figures.

For each variant, a model whose three views (classify/features.py) all use it: grouped 5-fold cross-validation
per view on the training data (what `make train` chooses by), then the model fitted on all training data with its
validation thresholds and scored on the locked test split (items as written, the same items as bare text, and the
hard cases: traditional characters, OCR noise, misleading cues) and on the items written independently of the
corpus (corpus/independent/, never trained on; as written and as bare text). Finally the saved model in models/,
if there is one, on the same data, on each corpus part's test items and on each independent set. Prints Markdown.

Example:
    $ .venv/bin/python bench/classify_bench.py [--variants logreg,svm_sigmoid] [--models models/]
"""

import argparse
import sys
import time

from classify import corpus
from classify.evaluate import evaluate
from classify.features import VIEWS
from classify.predict import Model, load_model
from classify.train import VARIANTS, fit_view, folds, text_only, training_data
from dutylist.errors import DutylistError
from dutylist.items import LABELS

HEADER = [
    "| model | data | n | macro-F1 | P basic | R basic | P coop | R coop | P returned | R returned | ECE "
    "| auto-accept coverage | auto-accept precision | per class (basic / coop / returned) |",
    "|---" * 14 + "|",
]


def _row(name: str, data: str, report: dict) -> str:
    c = report["per_class"]
    accept = report.get("auto_accept")
    precision = accept["precision"] if accept else None
    return (
        f"| {name} | {data} | {report['n']} | {report['macro_f1']:.3f} | "
        + " | ".join(f"{c[label]['precision']:.3f} | {c[label]['recall']:.3f}" for label in LABELS)
        + f" | {report['ece']:.3f} | "
        + (f"{100 * accept['coverage']:.1f} %" if accept else "–")
        + " | "
        + (f"{100 * precision:.1f} %" if precision is not None else "–")
        + " | "
        + (" / ".join(_pct(accept["per_class"][label]["precision"]) for label in LABELS) if accept else "–")
        + " |"
    )


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _test_rows(name: str, model: Model, test_rows: list[dict], independent: list[dict]) -> list[str]:
    """Each held-out set as written, as bare text and its hard cases (a set that is empty is left out)."""
    lines = []
    for title, rows in (("test", test_rows), ("independent", independent)):
        hard = [row for row in rows if row.get("hard")]
        for data, scored in (
            (title, rows),
            (f"{title} as bare text", [text_only(row) for row in rows]),
            (f"{title} hard cases", hard),
        ):
            lines += [_row(name, data, evaluate(model, scored))] if scored else []
    return lines


def _grouped_rows(name: str, model: Model, rows: list[dict], group, title: str) -> list[str]:
    """The rows scored apart by `group(row)`, in the group's order, titled `title` + the group."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(group(row), []).append(row)
    return [_row(name, f"{title}{key}", evaluate(model, members)) for key, members in sorted(groups.items())]


def run(variants: tuple[str, ...], models_dir: str | None) -> list[str]:
    data = training_data()
    rows, y, weights, groups = data["rows"], data["y"], data["weights"], data["groups"]
    splits = folds(y, groups)
    test_rows = corpus.load("test")
    independent = corpus.load_independent()
    lines = [
        f"{len(y)} training items, locked test split {len(test_rows)}, "
        f"{len(independent)} items written independently (never trained on).",
        "",
    ]
    cv_lines, test_lines = [], []
    for variant in variants:
        fitted = {view: fit_view(view, rows, y, weights, groups, (variant,), splits) for view in VIEWS}
        for view, fit in fitted.items():
            report = {**fit["variants"][variant], "auto_accept": fit["validation"]["overall"]["auto_accept"]}
            cv_lines.append(_row(variant, f"cross-validation, view {view}", report))
        meta = {
            "id": variant,
            "views": dict.fromkeys(VIEWS, variant),
            "thresholds": {view: fit["thresholds"] for view, fit in fitted.items()},
        }
        model = Model({view: fit["pipeline"] for view, fit in fitted.items()}, meta)
        test_lines += _test_rows(variant, model, test_rows, independent)
    lines += ["### Cross-validation on the training data", "", *HEADER, *cv_lines, ""]
    lines += ["### Locked test split and independent items", "", *HEADER, *test_lines]
    try:
        saved = load_model(models_dir)
    except DutylistError as exc:
        lines += ["", f"No saved model scored: {exc}"]
    else:
        lines += _test_rows(f"saved {saved.id}", saved, test_rows, independent)
        # corpus parts by id prefix (A-, B-, …), so a part added later can be compared; independent sets by file
        lines += _grouped_rows(
            f"saved {saved.id}",
            saved,
            test_rows,
            lambda row: str(row["id"]).split("-", 1)[0].lower(),
            "test, part ",
        )
        lines += _grouped_rows(
            f"saved {saved.id}", saved, independent, lambda row: row["set"], "independent, set "
        )
    return lines


def markdown() -> list[str]:
    """Every variant and the saved model, for bench/run.py."""
    return run(VARIANTS, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated, default: all")
    parser.add_argument("--models", default=None, help="folder of the saved model (default: setting models)")
    args = parser.parse_args(argv)
    variants = tuple(v for v in args.variants.split(",") if v)
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variant(s) {', '.join(sorted(unknown))}; known: {', '.join(VARIANTS)}")
    started = time.monotonic()
    print(
        "\n".join(
            [
                "# Classifier benchmark",
                "",
                *run(variants, args.models),
                "",
                f"{time.monotonic() - started:.0f} s",
            ]
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
