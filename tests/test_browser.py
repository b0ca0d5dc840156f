"""End to end in a real browser: `streamlit run review_app/app.py` as a subprocess, Debian's chromium driven
by Playwright, decisions read back from the SQLite file. Writes docs/screenshots/{signin,queue,detail,dashboard}.png.

Run alone with `.venv/bin/pytest -m browser`. Never run `playwright install`: the system chromium is used.
"""

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest
from appdata import (
    ITEMS,
    QUEUE_ORDER,
    USERS,
    add_users,
    fill_workspace,
    make_pdf,
)
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect, sync_playwright

from dutylist import store
from dutylist.items import Item

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TEXT = [item[1] for item in ITEMS]

if not CHROMIUM.exists() and os.environ.get("CI"):
    raise RuntimeError("CI must run the browser tests, but /usr/bin/chromium is missing: .ci/run installs it")
if not CHROMIUM.exists():
    pytest.skip(
        "/usr/bin/chromium 不存在：apt-get install chromium（CI 会安装）/ system chromium missing",
        allow_module_level=True,
    )


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def streamlit_server(db_path: Path, port: int, log: Path) -> Iterator[str]:
    """A real Streamlit server on the workspace; yields its URL and always stops it."""
    command = [
        str(ROOT / ".venv" / "bin" / "streamlit"),
        "run",
        "review_app/app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, "DUTYLIST_DB": str(db_path)}
    with log.open("a") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except (URLError, ConnectionError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Streamlit did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def ids(db_path, tmp_path) -> list[str]:
    add_users(db_path)
    pages = [
        "村规民约修订",
        "矛盾纠纷排查",
        "网格巡查",
        "防汛值守",
        "河道日常巡查和保洁|落实河长制，清理河面垃圾|农业农村办",
    ]
    return fill_workspace(db_path, pdf_file=str(make_pdf(tmp_path / "白沙乡履行职责事项清单.pdf", pages)))


def new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    return context.new_page()


@pytest.fixture
def page(browser) -> Iterator[Page]:
    opened = new_page(browser)
    yield opened
    opened.context.close()


def settle(page: Page) -> None:
    """Wait until the app's script run has finished (widgets then carry the current item)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def sign_in(page: Page, name: str = "李红", password: str | None = None) -> None:
    """Fill the sign-in form and submit it with Enter, as a user would, once the page's script run is done (on a
    freshly started server an Enter pressed before the form is live is lost)."""
    settle(page)
    page.get_by_role("textbox", name="用户名").fill(name)
    page.get_by_role("textbox", name="密码").fill(password or USERS[name][1])
    page.get_by_role("textbox", name="密码").press("Enter")


def showing(page: Page, index: int) -> None:
    """Wait until item `index` is on screen and its buttons (and their key bindings) are live."""
    # a cold server's first run imports the model stack: allow more than the default 5 s
    expect(page.locator(".dl-text")).to_have_text(TEXT[index], timeout=20_000)
    settle(page)
    expect(page.get_by_role("button", name="确认建议")).to_be_enabled()


def latest_review(db_path: Path) -> dict:
    with store.open(db_path) as conn:
        return store.reviews(conn)[-1]


def test_sign_in_then_a_click_is_stored_and_the_place_survives_refresh_and_restart(
    page, ids, db_path, tmp_path
):
    first, second = QUEUE_ORDER[:2]
    port = free_port()
    with streamlit_server(db_path, port, tmp_path / "server.log") as url:
        page.goto(url)
        expect(page.get_by_role("button", name="登录")).to_be_visible()
        expect(page.locator(".dl-text")).to_have_count(0)
        sign_in(page, "李红", "not-the-password")
        expect(page.get_by_text("用户名或密码不对")).to_be_visible()
        expect(page.locator(".dl-text")).to_have_count(0)
        expect(page.get_by_role("textbox", name="密码")).to_have_value("")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "signin.png")
        sign_in(page)
        showing(page, first)
        page.get_by_role("button", name="确认建议：配合履职事项").click()
        showing(page, second)
        review = latest_review(db_path)
        assert (review["item_id"], review["action"], review["new_label"], review["reviewer"]) == (
            ids[first],
            "confirm",
            "cooperative",
            "李红",
        )
        expect(page.get_by_text("已审核 1 / 共 5 条")).to_be_visible()
        page.mouse.move(0, 0)  # no hover highlight in the screenshot
        page.screenshot(path=SCREENSHOTS / "queue.png")

        page.reload()
        sign_in(page)
        showing(page, second)
        assert f"item={ids[second]}" in page.url

    with streamlit_server(db_path, port, tmp_path / "server.log"):
        page.reload()
        sign_in(page)
        showing(page, second)


def test_ten_decisions_with_the_keyboard_only(page, db_path, tmp_path):
    add_users(db_path)
    with store.open(db_path) as conn:
        items = [
            Item(
                doc="k" * 64,
                file="青石镇清单.docx",
                text=f"第{n}项 网格巡查和矛盾纠纷排查化解",
                locator=f"para {n}",
            )
            for n in range(12)
        ]
        store.save_document(conn, {"sha256": "k" * 64, "path": "青石镇清单.docx", "status": "ok"}, items)
        store.add_model(conn, "m", "m.joblib", "0" * 64, {})
        probs = {"basic": 0.5, "cooperative": 0.3, "returned": 0.2}
        store.add_proposals(
            conn,
            "m",
            [{"item_id": item.id, "label": "basic", "confidence": 0.5, "probs": probs} for item in items],
        )
    keys = ["Enter", "2", "3", "x", "Enter", "1", "Enter", "2", "Enter", "Enter"]
    with streamlit_server(db_path, free_port(), tmp_path / "server.log") as url:
        page.goto(f"{url}/?mode=document")
        sign_in(page)
        for number, key in enumerate(keys):
            expect(page.locator(".dl-text")).to_have_text(items[number].text)
            settle(page)
            page.keyboard.press(key)
        expect(page.locator(".dl-text")).to_have_text(items[10].text)
    with store.open(db_path) as conn:
        events = store.reviews(conn)
    assert [(event["item_id"], event["action"]) for event in events] == [
        (item.id, action)
        for item, action in zip(
            items,
            [
                "confirm",
                "relabel",
                "relabel",
                "reject",
                "confirm",
                "confirm",
                "confirm",
                "relabel",
                "confirm",
                "confirm",
            ],
            strict=False,
        )
    ]


def test_keyboard_shortcuts_decide_undo_move_and_bulk_confirm(page, ids, db_path, tmp_path):
    first, second, third = QUEUE_ORDER[:3]
    with streamlit_server(db_path, free_port(), tmp_path / "server.log") as url:
        page.goto(url)
        sign_in(page)
        showing(page, first)
        page.keyboard.press("3")
        showing(page, second)
        review = latest_review(db_path)
        assert (review["item_id"], review["action"], review["new_label"]) == (
            ids[first],
            "relabel",
            "returned",
        )

        page.keyboard.press("u")
        showing(page, first)
        assert latest_review(db_path)["action"] == "undo"

        page.keyboard.press("j")
        showing(page, second)
        page.keyboard.press("k")
        showing(page, first)
        assert latest_review(db_path)["action"] == "undo"

        page.keyboard.press("Enter")
        showing(page, second)
        page.keyboard.press("x")
        showing(page, third)
        review = latest_review(db_path)
        assert (review["item_id"], review["status"]) == (ids[second], "rejected")

        # Typing in the search box must not fire the shortcuts.
        page.get_by_role("textbox", name="全文搜索").fill("3j")
        page.get_by_role("textbox", name="全文搜索").press("Enter")
        expect(page.get_by_text("当前筛选下没有可审核的事项")).to_be_visible()
        assert latest_review(db_path)["item_id"] == ids[second]
        assert "q=3j" in page.url

        # Bulk confirm: the preview count first, then one undo for the whole batch.
        page.get_by_role("textbox", name="全文搜索").fill("")
        page.get_by_role("textbox", name="全文搜索").press("Enter")
        showing(page, third)
        page.get_by_role("tab", name="批量确认").click()
        page.get_by_role("button", name="预览条数").click()
        expect(page.get_by_text("置信度不低于 90% 的待审核事项共 1 条")).to_be_visible()
        page.get_by_role("button", name="确认这 1 条").click()
        expect(page.get_by_role("button", name="撤销刚才的批量确认（1 条）")).to_be_visible()
        assert latest_review(db_path)["item_id"] == ids[2] and latest_review(db_path)["batch"]
        page.get_by_role("button", name="撤销刚才的批量确认（1 条）").click()
        expect(page.get_by_text("已撤销批量确认")).to_be_visible()
        review = latest_review(db_path)
        assert (review["item_id"], review["action"], review["status"]) == (ids[2], "undo", "pending")


def test_two_reviewers_never_get_the_same_leased_item(browser, ids, db_path, tmp_path):
    first_page, second_page = new_page(browser), new_page(browser)
    try:
        with streamlit_server(db_path, free_port(), tmp_path / "server.log") as url:
            first_page.goto(url)
            sign_in(first_page, "李红")
            showing(first_page, QUEUE_ORDER[0])
            second_page.goto(url)
            sign_in(second_page, "王强")
            showing(second_page, QUEUE_ORDER[1])  # the first is leased to 李红
            expect(second_page.get_by_role("link", name="导出")).to_have_count(0)  # reviewers do not export
            second_page.goto(f"{url}/?item={ids[QUEUE_ORDER[0]]}")  # even when asked for by link
            sign_in(second_page, "王强")
            showing(second_page, QUEUE_ORDER[1])
            first_page.keyboard.press("Enter")
            showing(first_page, QUEUE_ORDER[2])  # skips 王强's item
            first_page.set_viewport_size({"width": 1366, "height": 1800})  # card, context and page image
            settle(first_page)
            first_page.screenshot(path=SCREENSHOTS / "detail.png")
            first_page.set_viewport_size({"width": 1366, "height": 900})
            second_page.keyboard.press("Enter")
            showing(second_page, QUEUE_ORDER[3])
            first_page.keyboard.press("Enter")
            showing(first_page, QUEUE_ORDER[4])
    finally:
        first_page.context.close()
        second_page.context.close()
    with store.open(db_path) as conn:
        decided = [(event["item_id"], event["reviewer"]) for event in store.reviews(conn)]
    assert decided == [
        (ids[QUEUE_ORDER[0]], "李红"),
        (ids[QUEUE_ORDER[1]], "王强"),
        (ids[QUEUE_ORDER[2]], "李红"),
    ]


def test_dashboard_and_an_export_that_reads_back(page, ids, db_path, tmp_path):
    first = QUEUE_ORDER[0]
    with store.open(db_path) as conn:
        store.add_review(conn, ids[first], "confirm", reviewer="李红")
    with streamlit_server(db_path, free_port(), tmp_path / "server.log") as url:
        # Opened first on a fresh server, a sub-page still gets sign-in, the sidebar and the navigation.
        page.goto(f"{url}/dashboard")
        sign_in(page)
        expect(page.get_by_role("heading", name="概览")).to_be_visible()
        expect(page.locator('[data-testid="stMetric"]').filter(has_text="已确认")).to_contain_text("1")
        expect(page.locator('[data-testid="stVegaLiteChart"]')).to_have_count(5)
        settle(page)
        page.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=True)

        page.get_by_role("link", name="导出").click()
        button = page.get_by_role("button", name="下载 XLSX：Excel 表格（三张工作表）")
        expect(button).to_be_enabled()
        with page.expect_download() as download:
            button.click()
        assert download.value.suggested_filename == "全部履行职责事项清单.xlsx"
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        book = load_workbook(saved)
        assert book.sheetnames == ["基本履职事项", "配合履职事项", "上级部门收回事项"]
        cells = [cell for row in book["配合履职事项"].iter_rows(values_only=True) for cell in row]
        assert TEXT[first] in cells


def test_split_from_the_form_and_backspace_undoes_it(page, ids, db_path, tmp_path):
    first = QUEUE_ORDER[0]
    with streamlit_server(db_path, free_port(), tmp_path / "server.log") as url:
        page.goto(url)
        sign_in(page)
        showing(page, first)
        page.get_by_role("tab", name="拆分或合并").click()
        page.get_by_role("textbox", name="第一条事项名称").fill("配合开展森林防火巡查")
        page.get_by_role("textbox", name="第二条事项名称").fill("野外火源管控")
        page.get_by_role("button", name="拆分为两条").click()
        expect(page.locator(".dl-text")).to_have_text("配合开展森林防火巡查")
        settle(page)
        with store.open(db_path) as conn:
            assert store.item_state(conn, ids[first])["status"] == "rejected"
        page.mouse.move(0, 0)
        page.screenshot(path=SCREENSHOTS / "split.png")

        page.locator(".dl-text").click()  # focus out of the form, as after reading the item
        page.keyboard.press("Backspace")
        showing(page, first)
        with store.open(db_path) as conn:
            assert store.item_state(conn, ids[first])["status"] == "pending"
            split = [row for row in store.items(conn) if "split" in row["locator"]]
            assert {store.item_state(conn, row["id"])["status"] for row in split} == {"rejected"}
