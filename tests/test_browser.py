"""End to end in a real browser: `streamlit run review_app/app.py` as a subprocess, Debian's chromium driven
by Playwright, decisions read back from the SQLite file. Writes docs/screenshots/queue.png and dashboard.png.

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
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect, sync_playwright
from test_app import ITEMS, QUEUE_ORDER, fill_workspace  # the workspace the AppTest tests use

from dutylist import store

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
def ids(db_path) -> list[str]:
    return fill_workspace(db_path)


@pytest.fixture
def page(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    yield context.new_page()
    context.close()


def settle(page: Page) -> None:
    """Wait until the app's script run has finished (widgets then carry the current item)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def showing(page: Page, index: int) -> None:
    """Wait until item `index` is on screen and its buttons (and their key bindings) are live."""
    expect(page.locator(".dl-text")).to_have_text(TEXT[index])
    settle(page)
    expect(page.get_by_role("button", name="确认建议")).to_be_enabled()


def latest_review(db_path: Path) -> dict:
    with store.open(db_path) as conn:
        return store.reviews(conn)[-1]


def test_a_click_is_stored_and_the_place_survives_refresh_and_restart(page, ids, db_path, tmp_path):
    first, second = QUEUE_ORDER[:2]
    port = free_port()
    with streamlit_server(db_path, port, tmp_path / "server.log") as url:
        page.goto(f"{url}/?reviewer=测试员")
        showing(page, first)
        page.get_by_role("button", name="确认建议：配合履职事项").click()
        showing(page, second)
        review = latest_review(db_path)
        assert (review["item_id"], review["action"], review["new_label"], review["reviewer"]) == (
            ids[first],
            "confirm",
            "cooperative",
            "测试员",
        )
        expect(page.get_by_text("已审核 1 / 共 5 条")).to_be_visible()
        page.mouse.move(0, 0)  # no hover highlight in the screenshot
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "queue.png")

        page.reload()
        showing(page, second)
        expect(page.get_by_text(TEXT[first], exact=True)).to_have_count(0)
        assert f"item={ids[second]}" in page.url

    with streamlit_server(db_path, port, tmp_path / "server.log"):
        page.reload()
        showing(page, second)
        expect(page.get_by_role("textbox", name="审核人")).to_have_value("测试员")


def test_keyboard_shortcuts_decide_and_undo(page, ids, db_path, tmp_path):
    first, second, third = QUEUE_ORDER[:3]
    with streamlit_server(db_path, free_port(), tmp_path / "server.log") as url:
        page.goto(url)
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

        page.keyboard.press("Enter")
        showing(page, second)
        review = latest_review(db_path)
        assert (review["item_id"], review["action"], review["new_label"]) == (
            ids[first],
            "confirm",
            "cooperative",
        )

        page.keyboard.press("x")
        showing(page, third)
        review = latest_review(db_path)
        assert (review["item_id"], review["status"]) == (ids[second], "rejected")

        # Typing a name in the sidebar must not fire the shortcuts.
        page.get_by_role("textbox", name="审核人").fill("张3")
        page.get_by_role("textbox", name="审核人").press("Enter")
        expect(page).to_have_url(f"{url}/?reviewer=%E5%BC%A03&item={ids[third]}")
        settle(page)
        showing(page, third)
        assert latest_review(db_path)["item_id"] == ids[second]


def test_dashboard_and_an_export_that_reads_back(page, ids, db_path, tmp_path):
    first = QUEUE_ORDER[0]
    with store.open(db_path) as conn:
        store.add_review(conn, ids[first], "confirm", reviewer="测试员")
    with streamlit_server(db_path, free_port(), tmp_path / "server.log") as url:
        # Opened first on a fresh server, a sub-page still gets the app's sidebar and navigation.
        page.goto(f"{url}/dashboard")
        expect(page.get_by_role("heading", name="概览")).to_be_visible()
        expect(page.get_by_role("textbox", name="审核人")).to_be_visible()
        expect(page.locator('[data-testid="stMetric"]').filter(has_text="已确认")).to_contain_text("1")
        expect(page.locator('[data-testid="stVegaLiteChart"]')).to_be_visible()
        settle(page)
        page.screenshot(path=SCREENSHOTS / "dashboard.png")

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
