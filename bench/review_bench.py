"""Review app benchmark (`make bench`): a workspace of 50,000 items, made through dutylist.store, then

1. the server-side latency from a decision to the next item shown: the store calls the queue page makes on the
   rerun after a key press (decision, lease of the next item, progress, sidebar lists, context, history),
   per queue mode; and the bulk preview count (on demand, not on every rerun);
2. the time to export every confirmed item as xlsx (after one bulk confirm of the whole workspace);
3. 4 reviewer processes x 1,000 decisions each on the same file: decisions lost, items decided twice, and
   "database is locked" errors (each must be 0).

Prints Markdown. Goals from issue 5: p95 < 200 ms, xlsx < 15 s, 0 lost, 0 lock errors.

Example:
    $ .venv/bin/python bench/review_bench.py [--items 50000] [--decisions 300] [--reviewers 4 --each 1000]
"""

import argparse
import multiprocessing
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from dutylist import export, store
from dutylist.items import LABELS, Item

PER_DOCUMENT = 500
WORDS = (
    "农村最低生活保障申请受理和动态管理",
    "配合县应急管理局开展森林防火巡查",
    "食品生产许可证核发",
    "城乡居民基本养老保险参保登记",
    "河道日常巡查和保洁",
    "协助开展耕地保护动态巡查并及时报告",
    "对违法占用耕地建房行为实施行政处罚",
    "组织开展矛盾纠纷排查化解",
)


def build(path: Path, count: int, seed: int = 5) -> float:
    """Fill a workspace with `count` items in documents of PER_DOCUMENT, one proposal each; return seconds."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with store.open(path) as conn:
        store.add_model(conn, "bench-model", "models/bench.joblib", "0" * 64, {})
        for number in range(0, count, PER_DOCUMENT):
            sha = f"{number:064x}"
            township = f"第{number // (PER_DOCUMENT * 10)}镇"
            file = f"{township}/清单{number // PER_DOCUMENT:03d}.docx"
            items = [
                Item(
                    doc=sha,
                    file=file,
                    text=f"{rng.choice(WORDS)}（第{n}项）",
                    township=township,
                    locator=f"table 1 row {n + 2}",
                    section=[
                        "一、基本履职事项",
                        rng.choice(["（一）党的建设", "（三）民生服务", "（五）平安法治"]),
                    ],
                    detail="按照有关规定组织实施，发现问题及时报告。",
                    lead_dept="县民政局",
                )
                for n in range(min(PER_DOCUMENT, count - number))
            ]
            store.save_document(
                conn, {"sha256": sha, "path": file, "township": township, "status": "ok"}, items
            )
            proposals = []
            for item in items:
                weights = [rng.random() ** 2 for _ in LABELS]
                probs = {label: weight / sum(weights) for label, weight in zip(LABELS, weights, strict=True)}
                label = max(probs, key=probs.get)
                proposals.append(
                    {
                        "item_id": item.id,
                        "label": label,
                        "confidence": probs[label],
                        "probs": probs,
                        "auto_accept": probs[label] > 0.8,
                    }
                )
            store.add_proposals(conn, "bench-model", proposals)
    return time.perf_counter() - started


def page_rerun(conn: store.Workspace, reviewer: str, queue: store.QueueFilter, item: dict) -> dict | None:
    """What the queue page asks the store after a key press on `item`: decide, then draw the next item."""
    store.add_review(conn, item["id"], "confirm", reviewer=reviewer, shown="pending")
    store.townships(conn)
    store.documents(conn, queue.township)
    store.reviewers(conn)
    store.queue_progress(conn, queue.township)
    shown = store.take_item(conn, reviewer, queue, current=item["id"], step=1)
    if shown is not None:
        store.neighbours(conn, shown["id"])
        store.next_in_document(conn, shown["id"])
        store.reviews(conn, shown["id"])
    return shown


def latency(path: Path, decisions: int) -> list[tuple[str, float, float, float]]:
    """(mode, p50, p95, max) in ms of `page_rerun`, per queue mode."""
    rows = []
    with store.open(path) as conn:
        for name, queue in (
            ("most uncertain first", store.QueueFilter()),
            ("by document", store.QueueFilter(mode="document")),
            ("audit sample", store.QueueFilter(mode="audit")),
            ("search 「耕地」 + label", store.QueueFilter(search="耕地保护", label="cooperative")),
        ):
            item = store.take_item(conn, "bench", queue)
            times = []
            for _ in range(decisions):
                started = time.perf_counter()
                item = page_rerun(conn, "bench", queue, item)
                times.append((time.perf_counter() - started) * 1000)
                if item is None:
                    break
            rows.append((name, *summary(times)))
        times = []
        for _ in range(20):
            started = time.perf_counter()
            store.queue_count(conn, store.bulk_filter(store.QueueFilter(), 0.9), "bench")
            times.append((time.perf_counter() - started) * 1000)
        rows.append(("bulk preview count (on demand, not per decision)", *summary(times)))
    return rows


def summary(times: list[float]) -> tuple[float, float, float]:
    """p50, p95 and max of a list of milliseconds."""
    times = sorted(times)
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], times[-1]


def export_time(path: Path) -> tuple[int, float, int, float]:
    """Confirm every pending item in one batch, then export xlsx: (confirmed in the batch, seconds, items
    exported, seconds)."""
    with store.open(path) as conn:
        started = time.perf_counter()
        _, confirmed = store.bulk_confirm(conn, store.QueueFilter(), 0.0, "bench-admin")
        bulk = time.perf_counter() - started
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            count = export.export(conn, "xlsx", Path(folder) / "清单.xlsx")
        return confirmed, bulk, count, time.perf_counter() - started


def reviewer_process(path: str, name: str, decisions: int, results: multiprocessing.Queue) -> None:
    """One reviewer deciding as fast as the store allows; reports decisions made and errors seen."""
    made, errors = 0, []
    with store.open(path) as conn:
        queue = store.QueueFilter(mode="document")
        item = None
        while made < decisions:
            try:
                item = store.take_item(conn, name, queue, current=item and item["id"], step=1)
                if item is None:
                    break
                store.add_review(conn, item["id"], random.choice(["confirm", "reject"]), reviewer=name)
                made += 1
            except sqlite3.OperationalError as exc:
                errors.append(str(exc))
    results.put((name, made, errors))


def concurrency(path: Path, reviewers: int, each: int) -> dict:
    """`reviewers` processes x `each` decisions on the pending items, all started at once."""
    with store.open(path) as conn:
        before = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    names = [f"审核员{n + 1}" for n in range(reviewers)]
    started = time.perf_counter()
    workers = [
        context.Process(target=reviewer_process, args=(str(path), name, each, results)) for name in names
    ]
    for worker in workers:
        worker.start()
    reports = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    with store.open(path) as conn:
        stored = {
            row[0]: row[1]
            for row in conn.execute(
                "SELECT reviewer, COUNT(*) FROM reviews WHERE id > ? GROUP BY reviewer", (before,)
            )
        }
        twice = conn.execute(
            "SELECT COUNT(*) FROM (SELECT item_id FROM reviews WHERE id > ? GROUP BY item_id HAVING COUNT(*) > 1)",
            (before,),
        ).fetchone()[0]
    made = {name: count for name, count, _ in reports}
    return {
        "seconds": seconds,
        "made": sum(made.values()),
        "stored": sum(stored.values()),
        "lost": sum(made[name] - stored.get(name, 0) for name in names),
        "twice": twice,
        "lock_errors": sum(len(errors) for *_, errors in reports),
    }


def markdown(items: int = 50_000, decisions: int = 300, reviewers: int = 4, each: int = 1000) -> list[str]:
    """The review benchmark as Markdown lines (bench/run.py calls it with the defaults)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        built = build(path, items)
        with store.open(path) as conn:
            started = time.perf_counter()
            store.stats(conn)
            counted = time.perf_counter() - started
        lines = [
            f"{items:,} items, workspace built through dutylist.store in {built:.1f} s "
            f"({path.stat().st_size / 1e6:.0f} MB); `dutylist stats` counts it in {1000 * counted:.0f} ms.",
            "",
            "### Decision → next item shown (server side, store calls of one queue page rerun)",
            "",
            "| queue | p50 ms | p95 ms | max ms |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {name} | {p50:.1f} | {p95:.1f} | {worst:.1f} |"
            for name, p50, p95, worst in latency(path, decisions)
        ]
        result = concurrency(path, reviewers, each)
        lines += [
            "",
            f"### {reviewers} reviewer processes × {each:,} decisions",
            "",
            "| decisions made | stored | lost | items decided twice | lock errors | seconds |",
            "|---|---|---|---|---|---|",
            f"| {result['made']:,} | {result['stored']:,} | {result['lost']} | {result['twice']} "
            f"| {result['lock_errors']} | {result['seconds']:.1f} |",
        ]
        _, bulk, count, seconds = export_time(path)
        lines += [
            "",
            "### Export",
            "",
            "| step | items | seconds |",
            "|---|---|---|",
            f"| bulk confirm of the rest (one batch) | {count:,} | {bulk:.1f} |",
            f"| export xlsx (confirmed items) | {count:,} | {seconds:.1f} |",
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--decisions", type=int, default=300, help="decisions timed per queue mode")
    parser.add_argument("--reviewers", type=int, default=4)
    parser.add_argument("--each", type=int, default=1000)
    args = parser.parse_args()
    print(
        "\n".join(
            ["## Review app benchmark", "", *markdown(args.items, args.decisions, args.reviewers, args.each)]
        )
    )


if __name__ == "__main__":
    main()
