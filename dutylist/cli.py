"""The `dutylist` command line: each command parses, opens the workspace, calls one library function, prints.

Errors from the library (dutylist.errors) become one-line messages with exit code 1; usage errors exit 2.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import click

from dutylist import config, store
from dutylist.errors import DutylistError
from dutylist.items import ITEM_FIELDS, LABEL_NAMES, LABELS, read_jsonl, write_jsonl

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


class Group(click.Group):
    """Turns library errors into clear messages instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except DutylistError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=Group, context_settings=CONTEXT)
@click.option(
    "--db",
    envvar="DUTYLIST_DB",
    default=config.setting("db").default,
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="工作库文件 / workspace SQLite file (env DUTYLIST_DB).",
)
@click.version_option(package_name="dutylist")
@click.pass_context
def main(ctx: click.Context, db: Path) -> None:
    """乡镇（街道）履行职责事项清单工具：从政策文件中抽取履职事项，给出分类建议，人工审核后导出三张清单。

    dutylist: extract duty items from policy documents, propose basic / cooperative / returned labels, review
    them in a web app and export the three lists.

    \b
    常用流程 / Typical run:
      dutylist extract 文件夹/            抽取事项 / extract items
      dutylist classify                  模型建议 / propose labels
      dutylist review                    打开审核页面 / open the review app
      dutylist export --format xlsx -o 清单.xlsx
    """
    ctx.obj = {"db": db}


def _open(ctx: click.Context) -> store.Workspace:
    return store.open(ctx.obj["db"])


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--jsonl",
    "jsonl_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="同时写出事项 JSONL / also write items as JSONL.",
)
@click.option(
    "--township", help="所属乡镇（街道）；默认取文件夹名 / township name (default: the folder's name)."
)
@click.option(
    "--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help="并行进程数 / parallel workers."
)
@click.option(
    "--backend",
    default="loky",
    show_default=True,
    type=click.Choice(["loky", "dask"]),
    help="并行方式 / joblib backend.",
)
@click.option(
    "--scheduler",
    help="Dask 调度器地址（--backend dask 时）/ Dask scheduler address, e.g. tcp://10.0.0.5:8786.",
)
@click.pass_context
def extract(ctx, paths, jsonl_out, township, jobs, backend, scheduler) -> None:
    """从文件或文件夹抽取候选履职事项，写入工作库。Extract candidate duty items from files or folders.

    支持 PDF、DOCX 等；已抽取过的文件（内容相同）自动跳过，出错的文件单独列出，不影响其他文件。
    Unchanged files are skipped; a file that fails is listed with the reason and the batch goes on.

    Example: dutylist extract samples/青石镇 --jsonl workspace/items.jsonl
    """
    from extract import batch

    if scheduler and backend != "dask":
        raise click.UsageError(
            "--scheduler 只能与 --backend dask 一起使用 / --scheduler needs --backend dask"
        )
    with _open(ctx) as conn:
        summary = batch.run(
            [str(path) for path in paths],
            conn,
            township=township,
            jobs=jobs,
            backend=backend,
            scheduler=scheduler,
        )
        click.echo(
            f"文件 files: 成功 ok {summary.files_ok}，未变跳过 unchanged {summary.files_skipped}，"
            f"失败 failed {len(summary.files_failed)}；事项 items: {summary.items_found}（新增 new {summary.items_new}）"
        )
        for path, reason, hint in summary.files_failed:
            click.echo(f"  ✗ {path}: {reason}" + (f" —— {hint}" if hint else ""), err=True)
        if jsonl_out:
            rows = [{key: row[key] for key in ITEM_FIELDS} for row in store.items(conn, ids=summary.item_ids)]
            click.echo(f"已写出 wrote {write_jsonl(jsonl_out, rows)} 条 → {jsonl_out}")


@main.command(context_settings=CONTEXT)
@click.option(
    "--in",
    "in_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="对 JSONL 中的事项（至少含 id、text）给出建议，不写工作库 / classify a JSONL of {id, text} lines instead of the workspace.",
)
@click.option(
    "--jsonl",
    "jsonl_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="写出建议 JSONL（默认：--in 时输出到屏幕）/ write proposals as JSONL (default with --in: stdout).",
)
@click.pass_context
def classify(ctx, in_path, jsonl_out) -> None:
    """用已训练的模型给出分类建议（基本 / 配合 / 收回）。Propose basic / cooperative / returned labels.

    Example: dutylist classify --in items.jsonl --jsonl proposals.jsonl
    """
    from classify.predict import classify_workspace, load_model

    model = load_model()
    if in_path:
        rows = list(read_jsonl(in_path))
        proposals = [{**row, **proposal} for row, proposal in zip(rows, model.propose(rows), strict=True)]
        if jsonl_out:
            click.echo(f"已写出 wrote {write_jsonl(jsonl_out, proposals)} 条建议 → {jsonl_out}", err=True)
        else:
            for proposal in proposals:
                click.echo(json.dumps(proposal, ensure_ascii=False))
        _echo_counts({label: sum(p["label"] == label for p in proposals) for label in LABELS})
        return
    with _open(ctx) as conn:
        counts = classify_workspace(conn, model)
        _echo_counts(counts)
        if jsonl_out:
            rows = [_proposal_line(row) for row in store.items_with_proposals(conn)]
            click.echo(f"已写出 wrote {write_jsonl(jsonl_out, rows)} 条建议 → {jsonl_out}")


def _proposal_line(row: dict) -> dict:
    return {
        **{key: row[key] for key in ITEM_FIELDS},
        "label": row["proposed_label"],
        "confidence": row["confidence"],
        "probs": row["probs"],
        "evidence": row["evidence"],
        "model": row["model_id"],
        "auto_accept": bool(row["auto_accept"]),
    }


def _echo_counts(counts: dict[str, int]) -> None:
    parts = "，".join(f"{LABEL_NAMES[label]} {counts.get(label, 0)}" for label in LABELS)
    click.echo(f"建议 proposals: {parts}", err=True)


@main.command(context_settings=CONTEXT)
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["xlsx", "docx", "csv", "jsonl"]),
    help="导出格式 / output format.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出文件 / output file.",
)
@click.option("--township", help="只导出一个乡镇（街道）/ only this township.")
@click.option(
    "--proposals",
    is_flag=True,
    help="导出模型建议（未审核）而非已确认事项，仅 xlsx / export unreviewed proposals instead (xlsx).",
)
@click.pass_context
def export(ctx, fmt, output, township, proposals) -> None:
    """按三张清单导出已确认的事项。Export confirmed items as the three published lists.

    Example: dutylist export --format xlsx -o 青石镇清单.xlsx --township 青石镇
    """
    from dutylist import export as exporter

    if proposals and fmt != "xlsx":
        raise click.UsageError("--proposals 只支持 --format xlsx / --proposals needs --format xlsx")
    with _open(ctx) as conn:
        if proposals:
            count = exporter.export_proposals(conn, output, township)
        else:
            count = exporter.export(conn, fmt, output, township)
    if count == 0 and not proposals:
        click.echo(
            "还没有已确认的事项：请先在审核页面确认（dutylist review）。/ no confirmed items yet.", err=True
        )
    click.echo(f"已导出 exported {count} 条 → {output}")


@main.command(context_settings=CONTEXT)
@click.pass_context
def train(ctx) -> None:
    """用语料和工作库中已确认的审核结果重新训练模型（make train）。Retrain from the corpus plus confirmed reviews.

    Example: dutylist train
    """
    from classify.train import train as run_training

    with _open(ctx) as conn:
        metrics = run_training(conn=conn)
    click.echo(
        f"模型 model {metrics['model']}：锁定测试集 macro-F1 {metrics['test']['macro_f1']:.3f}；"
        f"训练 {metrics['counts']['train']} 条（其中审核 {metrics['counts']['reviewed']} 条）。"
        f"详见 models/MODEL_CARD.md"
    )


@main.command(context_settings=CONTEXT)
@click.option("--port", default=8501, show_default=True, type=click.IntRange(1, 65535), help="端口 / port.")
@click.option("--address", default="127.0.0.1", show_default=True, help="监听地址 / address to listen on.")
@click.pass_context
def review(ctx, port, address) -> None:
    """启动审核页面（浏览器打开所示地址）。Start the Streamlit review app on the workspace.

    Example: dutylist review --port 8501
    """
    app = Path(__file__).resolve().parents[1] / "review_app" / "app.py"
    click.echo(f"审核页面 review app: http://{address}:{port}  （Ctrl+C 结束 / to stop）")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, "DUTYLIST_DB": str(Path(ctx.obj["db"]).resolve())}
    raise SystemExit(subprocess.call(command, env=env))


@main.command(context_settings=CONTEXT)
@click.pass_context
def stats(ctx) -> None:
    """工作库概况：文件、事项、建议与审核进度。Workspace counts: documents, items, proposals, reviews."""
    with _open(ctx) as conn:
        counts = store.stats(conn)
    docs = counts["documents"]
    click.echo(
        f"文件 documents: 成功 {docs.get('ok', 0)}，无内容 {docs.get('empty', 0)}，失败 {docs.get('failed', 0)}"
    )
    click.echo(
        f"事项 items: {counts['items']}（"
        + "，".join(f"{k or '未指定'} {v}" for k, v in counts["townships"].items())
        + "）"
    )
    click.echo(
        "模型建议 proposed: " + "，".join(f"{LABEL_NAMES[k]} {v}" for k, v in counts["proposed"].items())
    )
    status = counts["status"]
    click.echo(
        f"审核 review: 待审 {status['pending']}，已确认 {status['confirmed']}，已剔除 {status['rejected']}"
    )
    click.echo(
        "已确认 confirmed: " + "，".join(f"{LABEL_NAMES[k]} {v}" for k, v in counts["confirmed"].items())
    )
