"""The model card (models/MODEL_CARD.md) `make train` writes: data, variants, test figures, what goes wrong.

Example:
    >>> write(Path("models/MODEL_CARD.md"), meta, metrics, reports)  # doctest: +SKIP
"""

from pathlib import Path

from classify.features import SENTENCE
from dutylist.items import LABEL_NAMES, LABELS

CARD_FILE = "MODEL_CARD.md"
SHOWN_ERRORS = 12


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _per_class_table(report: dict) -> list[str]:
    lines = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label in LABELS:
        c = report["per_class"][label]
        lines.append(
            f"| {label} {LABEL_NAMES[label]} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} "
            f"| {c['support']} |"
        )
    return lines


def _confusion_table(report: dict) -> list[str]:
    lines = ["| true \\ predicted | " + " | ".join(LABELS) + " |", "|---" * (len(LABELS) + 1) + "|"]
    for true in LABELS:
        lines.append(f"| {true} | " + " | ".join(str(report["confusion"][true][p]) for p in LABELS) + " |")
    return lines


def _acceptance_table(
    report: dict, thresholds: dict[str, float] | None = None, unset: str = "per view"
) -> list[str]:
    accept = report["auto_accept"]
    lines = ["| predicted label | threshold | accepted | coverage | precision |", "|---|---|---|---|---|"]
    for label in LABELS:
        a = accept["per_class"][label]
        limit = (thresholds or {}).get(label)
        shown = unset if limit is None else "never" if limit > 1 else f"{limit:.3f}"
        lines.append(
            f"| {label} | {shown} | {a['accepted']} | {_pct(a['coverage'])} | {_pct(a['precision'])} |"
        )
    lines.append(
        f"| **all** | | {accept['accepted']} | {_pct(accept['coverage'])} | {_pct(accept['precision'])} |"
    )
    return lines


def _figures(title: str, report: dict, note: str = "") -> list[str]:
    return [
        f"## {title}",
        "",
        *([note, ""] if note else []),
        f"{report['n']} items; macro-F1 **{report['macro_f1']:.3f}**, accuracy {report['accuracy']:.3f}, "
        f"ECE (top-label, 10 bins) {report['ece']:.3f}.",
        "",
        *_per_class_table(report),
        "",
        "Confusion matrix (rows: true label):",
        "",
        *_confusion_table(report),
        "",
        "Auto-accept (each item at the threshold of the view that proposed it):",
        "",
        *_acceptance_table(report),
        "",
    ]


def _view_section(view: str, fit: dict, chosen: str) -> list[str]:
    lines = [
        f"### View `{view}`",
        "",
        "| variant | macro-F1 | accuracy | ECE | F1 basic | F1 cooperative | F1 returned |",
        "|---|---|---|---|---|---|---|",
    ]
    for variant, r in fit["variants"].items():
        mark = " (chosen)" if variant == chosen else ""
        lines.append(
            f"| {variant}{mark} | {r['macro_f1']:.3f} | {r['accuracy']:.3f} | {r['ece']:.3f} | "
            + " | ".join(f"{r['per_class'][label]['f1']:.3f}" for label in LABELS)
            + " |"
        )
    shaped = [label for label in LABELS if label + SENTENCE in fit["thresholds"]]
    lines += ["", "Auto-accept thresholds and what they accept on validation:", ""]
    if shaped:
        lines += _acceptance_table(fit["validation"]["overall"], unset="by shape, below")
    else:
        lines += _acceptance_table(fit["validation"]["overall"], fit["thresholds"])
    if shaped:
        lines += [
            "",
            "Thresholds apart for sentence-shaped items (a clause mark or 18+ characters) and bare phrases, each "
            "on its own validation items:",
            "",
            "| predicted label | phrase threshold | accepted | precision | sentence threshold | accepted | precision |",
            "|---|---|---|---|---|---|---|",
        ]
        per_class = fit["validation"]["per_class"]
        for label in shaped:
            cells = []
            for key in (label, label + SENTENCE):
                limit, figures = fit["thresholds"][key], per_class[key]
                shown = "never" if limit > 1 else f"{limit:.3f}"
                cells.append(f"{shown} | {figures['accepted']} | {_pct(figures['precision'])}")
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def write(path: Path, meta: dict, metrics: dict, reports: dict) -> None:
    """Write the card for a freshly trained model (see classify/train.py for the figures).

    `reports` holds the full `evaluate` reports (with errors) "test", "test_text_only", "test_hard",
    "independent" and "independent_text_only" (the last three None when there are no such items).
    """
    counts, test = metrics["counts"], reports["test"]
    test_labels = {label: test["per_class"][label]["support"] for label in LABELS}
    lines = [
        "# Model card: dutylist classifier",
        "",
        f"Model `{meta['id']}`, trained {meta['created']} in {metrics['seconds']} s. `models/model.joblib` "
        f"SHA-256 `{meta['sha256']}`; the file is refused if it changes. Rebuild with `make train`; this card is "
        "rewritten each time.",
        "",
        "Labels: basic 基本履职事项, cooperative 配合履职事项, returned 上级部门收回事项. Input: text + detail "
        "(jieba words with the government dictionary, role patterns such as 由县XX局负责 / 配合县XX局 / 报县XX局 / "
        "各乡镇要, char 1-3-grams, traditional characters folded) and markers for the lead department's level and "
        "name, the section headings and the source list (the list heading of a published list, a 0/1 feature) "
        "when an item has them.",
        "",
        "Three views, each its own pipeline and thresholds, by what the item comes with: `lead` (a lead "
        "department, as list table rows give), `detail` (details but no lead department), `text` (text alone: "
        "notice sentences, `classify --in` with id and text). Each pipeline is trained on every item with the "
        "fields its view lacks removed. One pipeline for all learns from the corpus that a missing lead department "
        "means basic and is then confidently wrong on bare cooperative and returned items.",
        "",
        "## Data",
        "",
        "| | " + " | ".join(LABELS) + " | total |",
        "|---" * (len(LABELS) + 2) + "|",
        "| train (corpus + reviewed) | "
        + " | ".join(str(counts["train_labels"][label]) for label in LABELS)
        + f" | {counts['train']} |",
        "| locked test split | "
        + " | ".join(str(test_labels[label]) for label in LABELS)
        + f" | {counts['test']} |",
        "",
        f"Reviewed workspace items used: {counts['reviewed']} (weight 3; left out because their text is a test "
        f"or independent item: {counts['reviewed_in_test_left_out']}). Train items dropped as duplicates of "
        f"another train, test or independent text: {counts['corpus_duplicates_dropped']}. The test split is "
        'corpus/items.jsonl `split == "test"` (one `source` in five by SHA-256, fingerprint in corpus/test_split.sha256); training never reads '
        "it. Test items per view as written: "
        + ", ".join(f"{view} {n}" for view, n in counts["test_views"].items())
        + f"; hard cases: {counts['test_hard']}.",
        "",
        "## Variants compared (5-fold cross-validation grouped by source, on the training data)",
        "",
        "`logreg`: multinomial logistic regression, balanced class weights. `svm_sigmoid`: linear SVM with "
        "balanced class weights, Platt (sigmoid) calibration on grouped inner folds. `cnb_sigmoid`: complement "
        "naive Bayes, sigmoid calibration. `ensemble`: soft vote (mean probability) of `logreg` and `svm_sigmoid`; "
        "its out-of-fold figures are its members' averaged. Each view is scored on the items it will meet once stripped (`lead`: "
        "items with a lead department; `detail`: items with details; `text`: every item).",
        "",
        "Validation = the chosen variant's out-of-fold predictions. Per predicted label, the threshold is the "
        "smallest confidence at which the accepted items reach 98 % precision, counting the Wilson lower bound "
        "(z = 1) of the observed precision so that a few lucky validation items do not set it; otherwise the "
        "label is never auto-accepted. Items under the threshold go to review. z = 1 was chosen by measurement "
        "(classify/train.py, CONFIDENCE_Z): it keeps coverage over 70 % on the test split and on the independent "
        "items; a 99 % target would lift every class over 98 % on the test split but cut coverage to about 71 %, "
        "and a larger z costs coverage without removing the few confident mistakes on duties counties label "
        "differently.",
        "",
    ]
    for view, fit in metrics["views"].items():
        lines += _view_section(view, fit, meta["views"][view])
    lines += _figures("Locked test split, items as written", test)
    lines += _figures(
        "Locked test split, every item as bare text",
        reports["test_text_only"],
        "The same items with only id and text (no details, lead department or section), as `classify --in` may "
        "get them.",
    )
    if reports.get("test_hard"):
        lines += _figures(
            "Hard cases of the locked test split",
            reports["test_hard"],
            "Cooperative without 配合/协助, basic with 配合 in another sense, bare powers, delegated enforcement, "
            "traditional characters, OCR noise.",
        )
    if reports.get("independent"):
        lines += _figures(
            "Items written independently of the corpus, as written",
            reports["independent"],
            f"{counts['independent']} items of corpus/independent/, written by people who never saw the corpus "
            "(see corpus/README.md); never trained on. Their wording is not ours, so these figures are the better "
            "guide to a new county's documents.",
        )
        lines += _figures(
            "Items written independently of the corpus, as bare text",
            reports["independent_text_only"],
            "The same items with only id and text.",
        )
    lines += [
        "## What the model gets wrong (most confident mistakes on the test split, items as written)",
        "",
        "| text | true | predicted | confidence | auto-accepted | evidence |",
        "|---|---|---|---|---|---|",
    ]
    for error in test["errors"][:SHOWN_ERRORS]:
        text = error["text"].replace("|", "／")
        lines.append(
            f"| {text} | {error['label']} | {error['predicted']} | {error['confidence']:.2f} | "
            f"{'yes' if error['auto_accept'] else 'no'} | {'、'.join(error['evidence'])} |"
        )
    lines += [
        "",
        "## Limits",
        "",
        "- The corpus was written by the team; real lists and other writers word duties differently, so expect "
        "lower figures on them. Labels follow one county's catalogue; the same duty can be labelled differently "
        "elsewhere, which is why a reviewer decides.",
        "- From bare text the model is much less sure than from a list row (see the two test sections): a "
        "cooperative duty often reads like a basic one until the lead department is named.",
        "- On two kinds of duty counties (and the corpus writers) differ: 受理、初审 of an application a county "
        "department then approves (basic or cooperative), and a small township step on a county power (代收材料, "
        "督促鉴定: cooperative or returned). The model is confidently wrong on some of them, which is why one class "
        "can fall a little under 98 % auto-accept precision on new items while the others stay near 100 %; "
        "retraining on a county's reviewed items teaches it that county's choice.",
        "- Few corpus items carry a `source_label` (list rows of corpus/parts/d.jsonl); the source-list feature "
        "gains weight as reviewers confirm items of lists brought in with `dutylist corpus import`.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
