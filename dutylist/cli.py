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
    envvar=config.setting("db").env,
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
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="失败清单 CSV（文件、原因、处理建议），每次运行都重写；默认为工作库旁的 extract-failures.csv"
    " / failure report CSV (file, reason, what to do), rewritten every run; default: extract-failures.csv"
    " beside the workspace.",
)
@click.pass_context
def extract(ctx, paths, jsonl_out, township, jobs, backend, scheduler, report) -> None:
    """从文件或文件夹抽取候选履职事项，写入工作库。Extract candidate duty items from files or folders.

    支持 PDF（含扫描件 OCR）、Word（.docx/.doc/.wps）、Excel（.xlsx/.xls/.csv）、网页和文本；已抽取过的文件
    （内容相同）自动跳过，出错的文件单独列出并写入失败清单 CSV，不影响其他文件。
    Unchanged files are skipped; a file that fails is listed with the reason in a CSV report and the batch goes on.

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
        report = report or Path(ctx.obj["db"]).parent / "extract-failures.csv"
        if batch.write_failures(summary, report):
            click.echo(f"失败清单 failure report → {report}")
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
        skipped: list[str] = []
        rows = list(read_jsonl(in_path, skip=lambda problem: skipped.append(str(problem))))
        for problem in skipped:
            click.echo(f"跳过 skipped: {problem}", err=True)
        if not rows:
            raise click.ClickException(f"{in_path}: 没有可用的行（每行至少需要 id 和 text）/ no usable lines")
        proposals = [{**row, **proposal} for row, proposal in zip(rows, model.propose(rows), strict=True)]
        if jsonl_out:
            click.echo(f"已写出 wrote {write_jsonl(jsonl_out, proposals)} 条建议 → {jsonl_out}", err=True)
        else:
            for proposal in proposals:
                click.echo(json.dumps(proposal, ensure_ascii=False))
        _echo_counts({label: sum(p["label"] == label for p in proposals) for label in LABELS}, err=True)
        return
    with _open(ctx) as conn:
        new = classify_workspace(conn, model)
        click.echo(f"模型 model {model.id}：本次新建议 new proposals {sum(new.values())} 条")
        _echo_counts(store.stats(conn)["proposed"], err=False)
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


def _per_list(counts: dict[str, int]) -> str:
    """ "基本履职事项 3，配合履职事项 1，上级部门收回事项 0": a count per list, in list order."""
    return "，".join(f"{LABEL_NAMES[label]} {counts.get(label, 0)}" for label in LABELS)


def _echo_counts(counts: dict[str, int], err: bool) -> None:
    click.echo(f"建议 proposals: {_per_list(counts)}", err=err)


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
    test, independent = metrics["test"], metrics["independent"]
    accept = test["auto_accept"]
    click.echo(
        f"模型 model {metrics['model']}：锁定测试集 macro-F1 {test['macro_f1']:.3f}，"
        f"自动采纳 {accept['coverage']:.0%}（准确率 {accept['precision'] or 0:.1%}）；"
        + (f"独立编写事项 macro-F1 {independent['macro_f1']:.3f}；" if independent else "")
        + f"训练 {metrics['counts']['train']} 条（其中审核 {metrics['counts']['reviewed']} 条）。"
        "详见 models/MODEL_CARD.md"
    )


@main.command(context_settings=CONTEXT)
@click.option("--port", default=8501, show_default=True, type=click.IntRange(1, 65535), help="端口 / port.")
@click.option("--address", default="127.0.0.1", show_default=True, help="监听地址 / address to listen on.")
@click.pass_context
def review(ctx, port, address) -> None:
    """启动审核页面（浏览器打开所示地址）。Start the Streamlit review app on the workspace.

    Example: dutylist review --port 8501
    """
    app = config.PROJECT_ROOT / "review_app" / "app.py"
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
    click.echo("模型建议 proposed: " + _per_list(counts["proposed"]))
    status = counts["status"]
    click.echo(
        f"审核 review: 待审 {status['pending']}，已确认 {status['confirmed']}，已剔除 {status['rejected']}，"
        f"标记抽取问题 {status['flagged']}"
    )
    click.echo("已确认 confirmed: " + _per_list(counts["confirmed"]))


# What the lists are for: import published lists, admission check of notices, cross-township comparison -------


@main.group(context_settings=CONTEXT)
def lists() -> None:
    """已公布的清单：导入为乡镇（街道）的已确认清单。Published lists: load a township's list as confirmed.

    Example: dutylist lists import 东坪镇履行职责事项清单.docx --township 东坪镇
    """


@lists.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--township", required=True, help="清单所属的乡镇（街道）/ the township whose list this is.")
@click.pass_context
def lists_import(ctx, file, township) -> None:
    """导入已公布的清单（xlsx、docx、pdf，或带 label 的事项 JSONL），按清单标题确认每个事项的归属。
    Import a published list (xlsx, docx, pdf, or item JSONL with `label`); each item is confirmed with the list
    its section heading (or `label`) names. Importing the same file again changes nothing.

    Example: dutylist lists import 东坪镇履行职责事项清单.docx --township 东坪镇
    """
    from extract.published import import_list

    with _open(ctx) as conn:
        summary = import_list(conn, str(file), township)
    labels = _per_list(summary["labels"])
    click.echo(
        f"{summary['township']}：读取 {summary['items']} 项，新确认 {summary['confirmed']} 项，"
        f"已确认未变 {summary['unchanged']} 项，保留审核人改动 {summary['kept']} 项。"
        f"/ read {summary['items']}, confirmed {summary['confirmed']}, unchanged {summary['unchanged']}"
    )
    click.echo(f"清单 lists: {labels}")
    unlabelled = summary["unlabelled"]
    if unlabelled:
        click.echo(
            f"有 {len(unlabelled)} 项不在任何清单标题（基本/配合/上级部门收回履职事项）之下，未导入确认，"
            f"请在审核页面处理 / {len(unlabelled)} items have no list heading and were not confirmed:",
            err=True,
        )
        for text in unlabelled[:20]:
            click.echo(f"  ? {text}", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("notices", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--township", required=True, help="对照哪个乡镇（街道）的清单 / township whose lists to check against."
)
@click.option(
    "--jsonl",
    "jsonl_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="每个履职语句写一行 JSONL / write one JSONL line per duty sentence.",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    help="写出审查报告（.docx 或 .xlsx），可附在复函中 / write a report (.docx or .xlsx) to attach to a reply.",
)
@click.pass_context
def check(ctx, notices, township, jsonl_out, report) -> None:
    """职责准入审查：逐句比对县级通知与乡镇已确认的清单。Admission check of county notices against a township's lists.

    NOTICES 为通知文件或文件夹（PDF、Word、文本）；读不了的文件单独列出，其余照常审查。
    Notices are files or folders; a file that cannot be read is listed with the reason and the others go on.

    \b
    结论 / decisions:
      basic                   属于基本履职事项
      cooperative_ok          属于配合履职事项，乡镇配合牵头部门
      cooperative_lead_shift  配合事项被改为乡镇牵头，或牵头部门与清单不符
      returned_pushdown       已收回的事项被重新下派
      not_listed              清单以外，须先履行准入程序

    Example: dutylist check 县防指办通知.docx --township 东坪镇 --report 准入审查.docx
    """
    from classify import admission

    if report and report.suffix.lower() not in admission.REPORT_FORMATS:
        raise click.UsageError("--report 只支持 .docx 或 .xlsx 文件 / --report must end in .docx or .xlsx")
    with _open(ctx) as conn:
        result = admission.check_notices(conn, [str(path) for path in notices], township)
    for number, item in enumerate(result.checks, 1):
        click.echo(
            f"{number:>3} {admission.DECISION_SHORT[item.decision]} {item.similarity:.2f} "
            f"{_fit(admission.matched_item(item) if item.match_text else '—', 30)} ← {_fit(item.sentence, 44)}"
        )
    counts = "，".join(f"{admission.DECISION_SHORT[d]} {n}" for d, n in result.counts().items())
    click.echo(f"{result.township}：{len(result.files)} 个文件，{len(result.checks)} 个履职语句（{counts}）")
    if result.skipped:
        reasons = "，".join(
            f"{text} {sum(skip.reason == reason for skip in result.skipped)}"
            for reason, text in admission.SKIP_REASONS.items()
            if any(skip.reason == reason for skip in result.skipped)
        )
        click.echo(
            f"未作判断 {len(result.skipped)} 句（{reasons}）/ sentences not checked: {len(result.skipped)}"
        )
    for path in result.no_duties:
        click.echo(f"  ! {path}: 未找到履职语句 / no duty sentence found", err=True)
    for path, reason in result.failures:
        click.echo(f"  ✗ {path}: {reason}", err=True)
    if jsonl_out:
        count = write_jsonl(jsonl_out, (item.to_json() for item in result.checks))
        click.echo(f"已写出 wrote {count} 行 → {jsonl_out}")
    if report:
        click.echo(f"审查报告 report → {admission.write_report(result, report)}")
    if not result.files:
        raise click.ClickException("没有能读取的通知文件 / no notice could be read")


def _fit(text: str, width: int) -> str:
    """`text` cut or padded to `width` terminal columns (a Chinese character takes two)."""
    import unicodedata

    out, used = "", 0
    for char in text:
        size = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        if used + size > width - 1 and len(text) > len(out) + 1:
            return out + "…" + " " * (width - used - 1)
        out, used = out + char, used + size
    return out + " " * (width - used)


@main.command(context_settings=CONTEXT)
@click.option(
    "--townships", help="要比较的乡镇（街道），逗号分隔；默认全部 / comma-separated names (default: all)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="写出对照表 .xlsx（事项×乡镇、差异、清单规模）/ write the aligned matrix, findings and sizes as xlsx.",
)
@click.pass_context
def compare(ctx, townships, output) -> None:
    """比较各乡镇（街道）的已确认清单：同一事项归属不同、个别乡镇缺少、仅一个乡镇列入、清单结构异常。
    Compare townships' confirmed lists: label conflicts, duties one township lacks, unique items, list sizes.

    Example: dutylist compare --townships 东坪镇,西岭乡,南湖街道 -o 清单对照.xlsx
    """
    from classify import compare as comparer

    if output and output.suffix.lower() != ".xlsx":
        raise click.UsageError("-o 只支持 .xlsx 文件 / -o must end in .xlsx")
    names = [name for name in (townships or "").replace("，", ",").split(",") if name.strip()]
    with _open(ctx) as conn:
        result = comparer.compare(conn, names or None)
    click.echo(
        f"比较 {len(result.townships)} 个乡镇（街道）：{'、'.join(result.townships)}；对齐为 {len(result.duties)} 个事项"
    )
    for township, counts in result.sizes.items():
        click.echo(f"  {township}: " + _per_list(counts))
    for kind, title in comparer.FINDING_NAMES.items():
        found = [finding for finding in result.findings if finding.kind == kind]
        if found:
            click.echo(f"{title}（{len(found)}）：")
        for finding in found:
            click.echo(f"  - {finding.name + '：' if finding.name else ''}{finding.detail}")
    if output:
        comparer.write_xlsx(result, output)
        click.echo(f"对照表 → {output}")


# Who may use the review app ---------------------------------------------------------------------------------


@main.group(context_settings=CONTEXT)
def user() -> None:
    """审核页面的用户：审核员（reviewer）审核事项，管理员（admin）还能导出和裁决。Review app users.

    Example: dutylist user add 张三 --role admin
    """


@user.command("add", context_settings=CONTEXT)
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(store.ROLES),
    help="角色：reviewer 审核员，admin 管理员 / role.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="从标准输入读取密码（一行），用于脚本 / read the password from stdin (one line), for scripts.",
)
@click.pass_context
def user_add(ctx, name, role, password_stdin) -> None:
    """添加用户，或为已有用户重设角色和密码；密码加盐哈希保存。Add a user (or reset an existing one's role and
    password); only a salted scrypt hash is stored.

    Example: dutylist user add 张三 --role admin
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    with _open(ctx) as conn:
        known = {row["name"] for row in store.users(conn)}
        try:
            store.add_user(conn, name, role, password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    verb = "已更新 updated" if name.strip() in known else "已添加 added"
    click.echo(f"{verb}：{name.strip()}（{role}）。现在可以登录审核页面（dutylist review）。")


# Training data from other townships' published lists ---------------------------------------------------------


@main.group(context_settings=CONTEXT)
def corpus() -> None:
    """训练语料：把其他乡镇（街道）已公布的清单变成待审核的标注事项。Training corpus from other townships' lists.

    Example: dutylist corpus import 东坪镇履行职责事项清单.docx --township 东坪镇
    """


@corpus.command("import", context_settings=CONTEXT)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--township", help="清单所属的乡镇（街道）；默认取文件名 / township (default: from the file name)."
)
@click.pass_context
def corpus_import(ctx, file, township) -> None:
    """导入其他乡镇（街道）已公布的清单（xlsx、docx、pdf）作为训练语料：按清单标题给每个事项一个建议归属，
    审核人员在审核页面确认后，make train 才用它训练。
    Import another township's published list as training data: each item gets a proposal from its list heading;
    once a reviewer confirms it in the app, `make train` learns from it. Unlike `lists import`, which confirms a
    township's own list at once, nothing is confirmed here. Importing the same file again adds nothing.

    Example: dutylist corpus import 东坪镇履行职责事项清单.docx
    """
    from classify.corpus_import import import_corpus_list

    with _open(ctx) as conn:
        summary = import_corpus_list(conn, str(file), township)
    labels = _per_list(summary["labels"])
    click.echo(
        f"{summary['township']}：读取 {summary['items']} 项，新增建议 {summary['proposed']} 项（{labels}），"
        f"请在审核页面确认（dutylist review）。/ read {summary['items']}, proposed {summary['proposed']}"
    )
    unlabelled = summary["unlabelled"]
    if unlabelled:
        click.echo(
            f"有 {len(unlabelled)} 项不在任何清单标题之下，未给建议，可运行 dutylist classify 由模型建议"
            f" / {len(unlabelled)} items under no list heading got no proposal:",
            err=True,
        )
        for text in unlabelled[:20]:
            click.echo(f"  ? {text}", err=True)
