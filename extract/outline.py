"""How Chinese official documents are laid out: cleaned text, outline numbering and the three list headings.

Every reader uses these so a heading is a heading whatever the format:

>>> numbering("（二）落实防汛责任")
(2, '（二）')
>>> strip_numbering("1．负责辖区河道巡查")
'负责辖区河道巡查'
>>> list_label("二、配合履职事项清单（12项）")
'cooperative'
"""

import re

from dutylist.items import Block

_CN_NUM = "一二三四五六七八九十百零〇两"
_DIGIT = "0-9０-９"

# Outline levels, outermost first: 一、 / （一） / 1. / （1） / ①. "第一章" counts as a top level.
_LEVELS = (
    (1, re.compile(rf"^第[{_CN_NUM}{_DIGIT}]+[章编部分]\s*")),
    (1, re.compile(rf"^[{_CN_NUM}]+\s*[、．.]\s*")),
    (2, re.compile(rf"^[（(]\s*[{_CN_NUM}]+\s*[）)]\s*[、．.]?\s*")),
    (3, re.compile(rf"^[{_DIGIT}]{{1,3}}\s*(?:[、．]|\.(?![{_DIGIT}]))\s*")),
    (4, re.compile(rf"^[（(]\s*[{_DIGIT}]{{1,3}}\s*[）)]\s*[、．.]?\s*")),
    (5, re.compile(r"^[①-⑳]\s*")),
)

_LIST_CORE = (
    ("basic", r"基本(?:履职)?事项|基本履职"),
    ("cooperative", r"配合(?:履职)?事项|配合履职"),
    ("returned", r"(?:上级(?:部门)?)?收回(?:履职)?事项|上级(?:部门)?收回"),
)
# A list heading may name its township ("青石镇基本履职事项清单"), end in 清单/目录 and a count "（共25项）".
_LIST_RE = tuple(
    (
        label,
        re.compile(
            rf"^(?:[\u4e00-\u9fff（）()]{{0,12}}?(?:乡镇|街道|镇|乡)(?:（街道）)?)?(?:{core})"
            r"(?:清单|目录|表|一览表)?(?:[（(][^（）()]{0,12}[）)])?[:：]?$"
        ),
    )
    for label, core in _LIST_CORE
)

_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_SENTENCE_PUNCT = re.compile(r"[，,。；;！!？?]")


def clean(text: str) -> str:
    """One line of text as a reader sees it: wrapped lines joined, stray spaces between Chinese characters removed.

    >>> clean("负责辖区内河道\\n巡查 工作")
    '负责辖区内河道巡查工作'
    """
    text = text.replace("\u3000", " ").replace("\xa0", " ").replace("\u200b", "")
    joined = ""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if joined and re.search(r"[A-Za-z0-9]$", joined) and re.match(r"[A-Za-z0-9]", line):
            joined += " "
        joined += line
    joined = re.sub(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])", "", joined)
    return re.sub(r"\s{2,}", " ", joined).strip()


def numbering(text: str) -> tuple[int, str]:
    """The outline level (1-5) of a numbered line and its number prefix; (0, "") when it has none."""
    for level, pattern in _LEVELS:
        found = pattern.match(text)
        if found and len(text) > found.end():
            return level, found.group()
    return 0, ""


def strip_numbering(text: str) -> str:
    """The text without its outline number."""
    return text[len(numbering(text)[1]) :].strip()


def list_label(text: str) -> str | None:
    """basic / cooperative / returned when `text` is a heading naming one of the three lists, else None."""
    core = re.sub(r"\s+", "", strip_numbering(text))
    if len(core) > 30:
        return None
    for label, pattern in _LIST_RE:
        if pattern.match(core):
            return label
    return None


def heading_level(text: str) -> int:
    """The heading level of a standalone line (1-5), or 0 when it reads as body text.

    A numbered line is a heading when what follows the number is short and has no sentence punctuation
    inside ("一、压实防汛责任。" is a heading; "1. 各乡镇要……，……。" is body text).

    >>> heading_level("一、基本履职事项"), heading_level("1. 各乡镇要于6月1日前完成排查，建立台账。")
    (1, 0)
    """
    if list_label(text):
        return 1
    level, prefix = numbering(text)
    if not level:
        return 0
    body = text[len(prefix) :].strip().rstrip("。：:；;")
    if 0 < len(body) <= 30 and not _SENTENCE_PUNCT.search(body):
        return level
    return 0


def line_block(text: str, page: int | None, locator: str, flags: list[str] | None = None) -> Block:
    """A standalone line or paragraph as a Block: a heading at its `heading_level`, else body text whose level is
    its outline number's (0 when unnumbered), so a numbered duty line still sits in the outline."""
    level = heading_level(text)
    kind = "heading" if level else "para"
    return Block(kind, text, page, locator, level=level or numbering(text)[0], flags=flags or [])
