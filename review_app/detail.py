"""Below the current item: its source (the PDF page, or the paragraphs and rows around it), its history, and the
forms to edit it or flag an extraction error.

Example (inside the queue page):
    >>> detail.source(conn, item)  # doctest: +SKIP
"""

import io
import re
from html import escape
from pathlib import Path

import pandas as pd
import streamlit as st

from dutylist import config, store
from dutylist.items import LABEL_NAMES
from review_app import filters, session

PAGE_SCALE = 1.4
CACHED_PAGES = 12
ACTION_NAMES = {
    "confirm": "确认",
    "relabel": "改判",
    "reject": "剔除",
    "undo": "撤销",
    "import": "导入已公布清单",
    "edit": "修改",
    "flag": "标记抽取错误",
}
FLAG_REASONS = ("乱码或错字", "边界错误（被截断或两条连在一起）", "不完整（缺少内容）", "其他")


def place(locator: str) -> str:
    """A reader's locator in words a clerk uses: "table 2 row 14" -> "表 2 第 14 行", "para 7" -> "第 7 段"."""
    words = re.sub(r"^table (\d+)", r"表 \1", locator)
    words = re.sub(r"^sheet (.+?)(?= row |$)", r"工作表「\1」", words)
    words = re.sub(r" row (\d+)$", r" 第 \1 行", words)
    return re.sub(r"^para (\d+)$", r"第 \1 段", words)


def source_file(item: dict) -> Path | None:
    """The item's file as given to extract: relative to where the app runs, else to the project."""
    for base in (Path.cwd(), config.PROJECT_ROOT):
        path = base / item["file"]
        if path.is_file():
            return path
    return None


def item_region(path: Path, page: int, text: str) -> tuple[float, float, float, float] | None:
    """Where an item stands on its PDF page, found at display time by searching the page's text layer for the
    start of the item's text: the table row holding it, else its line across the page. None when the text is not
    on the page (a scan read by OCR has no text layer) or the page does not exist."""
    import pdfplumber  # only when a PDF page is shown

    compact = re.sub(r"\s+", "", text)
    with pdfplumber.open(path) as pdf:
        if not 1 <= page <= len(pdf.pages):
            return None
        sheet = pdf.pages[page - 1]
        # A wrapped cell breaks the text across lines, so try shorter and shorter starts of it.
        match = next(
            (
                hits[0]
                for size in (16, 10, 6)
                if len(compact) >= size and (hits := sheet.search(compact[:size], regex=False))
            ),
            None,
        )
        if match is None:
            return None
        for table in sheet.find_tables():
            for row in table.rows:
                x0, top, x1, bottom = row.bbox
                if top - 1 <= match["top"] <= bottom + 1:
                    return x0, top, x1, bottom
        return 0.0, match["top"], float(sheet.width), match["bottom"]


def page_view(path: Path, page: int, text: str) -> tuple[tuple[float, float, float, float] | None, bytes]:
    """The item's region on its PDF page (`item_region`) and a PNG of the page rendered with pypdfium2 with that
    region outlined; cached in the session (a few pages, newest kept), so neither the text search nor the
    rendering runs again when the app reruns on the same item."""
    cache = st.session_state.setdefault("page_images", {})
    key = (str(path), path.stat().st_mtime, page, text)
    if key not in cache:
        import pypdfium2  # only when a PDF page is shown
        from PIL import Image, ImageDraw

        region = item_region(path, page, text)
        pdf = pypdfium2.PdfDocument(path)
        try:
            image = pdf[page - 1].render(scale=PAGE_SCALE).to_pil().convert("RGB")
        finally:
            pdf.close()
        if region:
            box = [round(value * PAGE_SCALE) for value in region]
            box = [box[0] + 2, box[1] - 3, box[2] - 2, box[3] + 3]
            overlay = image.copy()
            ImageDraw.Draw(overlay).rectangle(box, fill=(255, 230, 80))
            image = Image.blend(image, overlay, 0.35)
            ImageDraw.Draw(image).rectangle(box, outline=(200, 30, 30), width=3)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        cache[key] = region, buffer.getvalue()
        while len(cache) > CACHED_PAGES:
            cache.pop(next(iter(cache)))
    return cache[key]


def source(conn: store.Workspace, item: dict) -> None:
    """The items around this one in its document (its paragraph/table context), then the page image for a PDF."""
    rows = store.neighbours(conn, item["id"], span=2)
    lines = []
    for row in rows:
        here = row["id"] == item["id"]
        where = escape(place(row.get("locator") or ""))
        status = filters.STATUS_NAMES[row["status"]]
        lines.append(
            f'<div class="dl-context{" dl-here" if here else ""}">{where}：<b>{escape(row["text"])}</b>'
            f"{'（当前事项）' if here else f'（{status}）'}</div>"
        )
    st.markdown("".join(lines), unsafe_allow_html=True)
    if len(rows) == 1:
        st.caption("这份文件里没有别的事项。")
    if not (item["file"].lower().endswith(".pdf") and item.get("page")):
        return
    path = source_file(item)
    if path is None:
        st.caption(f"找不到原文件 {item['file']}，无法显示原页面。")
        return
    region, png = page_view(path, item["page"], item["text"])
    if region is None:
        st.caption("在这一页的文字层里没有找到该事项（如扫描件经 OCR 识别），只显示整页，不框出位置。")
    with st.container(border=True, width=680):
        caption = f"{item['file']} 第 {item['page']} 页" + ("，红框为该事项所在位置" if region else "")
        st.image(png, caption=caption, width=640)


def history(conn: store.Workspace, item: dict) -> None:
    """Every review event of the item, oldest first, and a CSV of it to download."""
    events = store.reviews(conn, item["id"])
    if not events:
        st.caption("还没有审核记录。")
        return
    table = pd.DataFrame(
        {
            "时间": [event["at"] for event in events],
            "审核人": [event["reviewer"] for event in events],
            "操作": [ACTION_NAMES.get(event["action"], event["action"]) for event in events],
            "原分类": [LABEL_NAMES.get(event["old_label"], "") for event in events],
            "新分类": [LABEL_NAMES.get(event["new_label"], "") for event in events],
            "状态": [filters.STATUS_NAMES.get(event["status"], event["status"]) for event in events],
            "当时的事项名称": [event["text"] for event in events],
            "说明": [event["note"] for event in events],
            "模型": [event["model_id"] or "" for event in events],
        }
    )
    st.dataframe(table, hide_index=True, key="history")
    st.download_button(
        "下载审核记录（CSV）",
        data=table.to_csv(index=False).encode("utf-8-sig"),
        file_name=f"审核记录-{item['id']}.csv",
        mime="text/csv",
        key="history-download",
        icon=":material/download:",
    )


def save_edit(item_id: str) -> None:
    """Edit form callback: store the changed fields as an `edit` event."""
    state = st.session_state
    changes = {
        name: state[f"edit_{name}_{item_id}"].strip() for name in ("text", "detail", "lead_dept", "basis")
    }
    coop = state[f"edit_coop_depts_{item_id}"].replace("，", "、").replace(",", "、")
    changes["coop_depts"] = [name.strip() for name in coop.split("、") if name.strip()]
    with session.locked():
        try:
            event = store.edit_item(session.workspace(), item_id, changes, session.reviewer())
        except ValueError as exc:
            state.notice = f"没有保存：{exc}"
            return
    state.notice = "没有改动。" if event is None else "已保存修改，可用「撤销上一步」恢复。"
    if event is not None:
        state.decided.append({"id": item_id, "text": event["text"], "review": event})


def edit_form(item: dict) -> None:
    """Fields a reviewer may correct; each key carries the item id so a new item starts from its own values."""
    with st.form(f"edit-{item['id']}", border=False):
        st.text_input("事项名称", value=item["text"], key=f"edit_text_{item['id']}")
        st.text_area("事项内容", value=item["detail"], key=f"edit_detail_{item['id']}", height=90)
        left, right = st.columns(2)
        left.text_input("牵头部门或责任科室", value=item["lead_dept"], key=f"edit_lead_dept_{item['id']}")
        right.text_input(
            "配合部门（用、分隔）", value="、".join(item["coop_depts"]), key=f"edit_coop_depts_{item['id']}"
        )
        st.text_input("依据", value=item["basis"], key=f"edit_basis_{item['id']}")
        st.form_submit_button("保存修改", on_click=save_edit, args=(item["id"],), icon=":material/save:")


def flag_form(item: dict, on_flag) -> None:
    """An extraction error with a note; the item leaves the queue (status 已标记问题) and feeds extraction tests."""
    with st.form(f"flag-{item['id']}", border=False):
        st.radio("问题", FLAG_REASONS, key=f"flag_reason_{item['id']}", horizontal=True)
        st.text_input("说明", key=f"flag_note_{item['id']}", placeholder="例如：与下一条连在一起")
        st.form_submit_button(
            "标记为抽取错误", on_click=on_flag, args=(item["id"], item["status"]), icon=":material/flag:"
        )
