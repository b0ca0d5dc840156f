"""Blocks -> candidate items: one item per list-table row, per duty sentence in prose, with where it came from.

The section path is the outline above the item (list heading, category, sub-heading; numbers stripped), plus a
table's merged category row and its 类别 column. `source_label` is the list a heading above names (基本履职事项 …).
In prose, paragraphs are split into sentences (。；！？) and only duty sentences are kept (各乡镇要……, 配合……做好……,
负责……); titles, dates, signatures, addressees, 附件 lines and purpose statements are not items.

Example:
    >>> from dutylist.items import Block
    >>> blocks = [Block("heading", "二、配合履职事项", level=1),
    ...           Block("para", "配合县应急管理局做好汛期隐患排查；及时上报险情。", locator="para 2")]
    >>> [(item.text, item.source_label, item.lead_dept) for item in segment(blocks, "ab" * 32, "a.docx")]
    ... # doctest: +SKIP
    [('配合县应急管理局做好汛期隐患排查', 'cooperative', '县应急管理局'), ('及时上报险情', 'cooperative', '')]
"""

import functools
import re
from collections.abc import Iterable

from dutylist.items import Block, Item
from extract import tagger
from extract.outline import clean, list_label, numbering, strip_numbering
from extract.tables import column_roles

# Sentences that are never duties, whatever verbs they hold: purpose and closing formulas, titles, contact lines,
# definitions ("……包括……"), past events ("取得了……成效").
_NOT_DUTY = re.compile(
    r"通知如下|如下[:：]?$|特此(通知|函告)|^附件|^抄送|^联系人|^联系(电话|方式)|^电话|^传真|印发$|^[（(]此件"
    r"|^本(清单|通知|方案|办法|意见|细则|规定|目录)|^主题词|制定本(清单|方案|办法|细则)|结合(我|本)(镇|乡|县|区|街道)实际"
    r"|取得.{0,8}(成效|成绩|进展)|^近年来|^今年以来|已经(完成|建立|实现)|^[^，。；]{0,15}(包括|是指|主要有|分为)"
    r"|^[^，。；]{0,30}关于[^，。；]{2,60}的(?:通知|意见|方案|办法|决定|函|报告|批复)?$"
    r"|联系人[:：]|联系(?:电话|方式)[:：]|电子邮箱|^地址[:：]|印发给你们|请遵照执行|^以上(?:事项|工作|要求)|见附件|详见"
    r"|请(?:结合实际)?认真(?:组织)?(?:贯彻|遵照)?(?:执行|落实)[。！]?$|(?<![为除终])了(?!解)"
)
# Where the tagger found a department, the text the rules see holds this mark instead of the name.
DEPT_MARK = "\ue000"
_VERBS = (
    r"做好|开展|组织|落实|加强|督促|指导|建立|健全|完善|推进|推动|排查|摸排|上报|报送|报告|劝导|劝阻|巡查|巡逻"
    r"|实施|宣传|核查|核实|登记|审核|审查|监测|处置|整治|整改|清理|救助|帮扶|走访|动员|转移|值守|值班|储备|检查"
    r"|督导|跟踪|调处|化解|收集|统计|发放|公示|防范|维护|管护|清运|培训|召开|编制|研判|预警|撤离|疏散|安置|认定"
    r"|评估|救治|监督|查处|制止|受理|办理|核发|审批|征集|推送|设立|设置|明确|压实|强化|统筹|协调|配齐|引导|保障"
    r"|管理|实行|执行|坚持|处理|确定|申请|移交|提供|告知|张贴|发动|代办|帮助|听取|签订|纳入|办结|通报"
    r"|联系|联络|填报|填写|鼓励|整理|选拔|推荐|培育|扶持|公开|接受|组建|采集|录入|接收|反馈|会同|推广|汇总|解答"
    r"|考核|关注|转交|转办|交办|督办|掌握|了解|迎接|完成|配备|招募|选聘|慰问|帮教|调解|疏导|劝返|取缔|拆除|备案"
    r"|归档|申报|上传|更新|维修|养护|巡护|清扫|保洁|消杀|筛查|随访|照料|兑现|拨付|收缴|征缴|催缴|核对|比对|复核"
    r"|抽查|督查|约谈|提醒|部署|安排|制定|传达|宣讲|举办|举行|参加|接待|答复|回复|衔接|对接|核算|保护|整合"
)
# 要 and 应 as "must", guarded against the words that contain them (重要, 要求, 应急, 相应 …).
_MUST = r"(?<![重主需纪摘提简])要(?![求点素件])|(?<![相供反适响答回对])应(?![急用对])"
# Words that put an obligation on someone (负责, 配合, 要, 应当 …), guarded against the nouns that contain them
# (重要, 要求, 应急, 许可, 申请 …); "由……实施" (who does it); "是……第一责任人"; a quantity norm (不少于).
_OBLIGATION = re.compile(
    r"负责|配合|协助|协同|牵头|参与|承担|应当|必须|务必|严禁|禁止|不得|确保|做到|及时|定期|须|收回"
    rf"|{_MUST}|(?<![申])请(?![示])"
    r"|(?<![许认])可(?!能|靠|行|持续|视)|是[^，。；]{0,20}责任人|不少于|不低于|不得少于"
    rf"|由[^，。；]{{1,24}}?(?:{_VERBS})"
)
# What makes a short numbered lead-in ("（一）乡镇职责。") a duty rather than an inline heading.
_MODAL = re.compile(rf"负责|应当|必须|须|{_MUST}")
# At most two time words and one "……期间/前/后/时" phrase: bounded, so no pattern can backtrack for long.
_TIME = (
    r"(?:(?:汛期|主汛期|汛前|汛后|防火期|重点时段|每年|每季度|每月|每周|每日|日常|平时|按月|按季度|按期)\s*){0,2}"
    r"(?:[^，。；]{0,20}?(?:期间|之前|以前|前|后|时)\s*)?"
)
_ADVERBS = (
    r"(?:严格|认真|全面|切实|及时|定期|持续|进一步|积极|主动|扎实|深入|全力|迅速|依法|按时|统一|提前|立即"
    r"|加快|同步|共同|继续|集中|至少)"
)
_ACTOR = (
    rf"(?:各?乡镇(?:（街道）)?(?:党委|政府|人民政府|[\u4e00-\u9fff]{{0,10}}?(?:委员会|队|站|所|办|中心|残联|书记))?"
    rf"|街道(?:办事处)?|各?村(?:（社区）)?|村级组织|社区|网格员|党委(?:书记)?|{DEPT_MARK}+(?:[、和及]{DEPT_MARK}+)*)"
)
# A clause that starts with a duty verb, after an optional actor, time and adverbs ("严格落实……",
# "各村设立劝导站", "汛期实行24小时值班").
_VERB_CLAUSE = re.compile(rf"(?:^|[，,：:])\s*{_ACTOR}?\s*{_TIME}\s*{_ADVERBS}*(?:{_VERBS})")
# A clause led by a preposition ("为特困人员办理……", "向群众宣传……", "将……纳入考核") with a duty verb in it.
_PREPOSITION_CLAUSE = re.compile(
    rf"(?:^|[，,：:])\s*{_TIME}\s*(?:为|向|在|对|将|帮助|按照|按|结合|依托|利用|通过)[^，,。；]{{1,30}}?(?:{_VERBS})"
)
# A clause whose subject is an actor (乡镇, 村, 网格员, a department …) doing something; not "乡镇是……",
# "县民政局将……" (a statement), "乡镇现有……".
_ACTOR_CLAUSE = re.compile(
    rf"(?:^|[，,：:])\s*{_TIME}\s*{_ACTOR}\s*(?![是为将有的和、及与]|现有|共有|位于|地处|下辖|辖)\S"
)
_TOTALS = {"合计", "小计", "总计", "以下空白", "无"}


def sentences(text: str) -> list[str]:
    """Split a paragraph at 。；！？ outside brackets and quotes, keeping each sentence's own punctuation.

    >>> sentences("负责《条例》（试行。）宣传；做好巡查。")
    ['负责《条例》（试行。）宣传；', '做好巡查。']
    """
    out, current, depth = [], "", 0
    for char in text:
        current += char
        if char in "（(《“‘「【[":
            depth += 1
        elif char in "）)》”’」】]":
            depth = max(0, depth - 1)
        elif char in "。；！？;!?" and depth == 0:
            out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return [sentence for sentence in out if sentence]


def is_duty(sentence: str, without_depts: str | None = None) -> bool:
    """True for a sentence that puts a task on someone: an obligation word (负责, 配合, 要, 应当 …) or a clause
    that starts with a duty verb (组织开展……, 严格落实……) or with an actor (各乡镇每年……, 由县XX局实施). Department
    names are replaced by DEPT_MARK first (`without_depts`), so 县应急管理局 does not read as 应 or 管理.

    >>> is_duty("配合县水利局做好山塘巡查。"), is_duty("监测对象包括低保对象、特困人员。")
    (True, False)
    """
    text = sentence.strip()
    if len(strip_numbering(text)) < 6 or text.endswith(("：", ":")) or _NOT_DUTY.search(text):
        return False
    body = strip_numbering(without_depts if without_depts is not None else text)
    if len(re.sub(rf"[{DEPT_MARK}\s、，,和及与]|文件|联合", "", body)) < 4:  # a letterhead or signature
        return False
    return any(rule.search(body) for rule in (_OBLIGATION, _VERB_CLAUSE, _ACTOR_CLAUSE, _PREPOSITION_CLAUSE))


def segment(blocks: Iterable[Block], doc: str, file: str, township: str = "") -> list[Item]:
    """The candidate items in a document's blocks, in document order, each id once."""
    return _Segmenter(doc, file, township).run(list(blocks))


class _Segmenter:
    def __init__(self, doc: str, file: str, township: str) -> None:
        self.doc, self.file, self.township = doc, file, township
        self.outline: list[tuple[int, str]] = []
        self.table = ""
        self.table_list = ""
        self.category = ""
        self.leaf_level = 0
        self.items: dict[str, Item] = {}

    def run(self, blocks: list[Block]) -> list[Item]:
        for position, block in enumerate(blocks):
            if block.kind == "heading" and block.cells:
                self.table_heading(block)
            elif block.kind == "heading":
                self.heading(block, blocks[position + 1] if position + 1 < len(blocks) else None)
            elif block.kind == "row":
                self.row(block)
            else:
                self.paragraph(block)
        return list(self.items.values())

    # Context --------------------------------------------------------------------------------------------------

    def section(self, extra: Iterable[str] = ()) -> list[str]:
        path: list[str] = []
        for name in [text for _, text in self.outline] + [self.table_list, self.category, *extra]:
            if name and (not path or path[-1] != name):
                path.append(name)
        return path

    def enter_table(self, block: Block) -> None:
        table = block.locator.split(" row ")[0]
        if table != self.table:
            self.table, self.table_list, self.category = table, "", ""

    def table_heading(self, block: Block) -> None:
        self.enter_table(block)
        name = _heading_text(block.text)
        if list_label(block.text):
            self.table_list, self.category = name, ""
        else:
            self.category = name

    def heading(self, block: Block, following: Block | None) -> None:
        if block.level == 0:
            return
        name = _heading_text(block.text)
        if self.is_leaf(block, following) and (self.source_label() or is_duty(name)):
            self.add(block, name)
            return
        self.push(block.level, name)

    def push(self, level: int, name: str) -> None:
        while self.outline and self.outline[-1][0] >= level:
            self.outline.pop()
        self.outline.append((level, name))
        self.table, self.table_list, self.category = "", "", ""

    def is_leaf(self, block: Block, following: Block | None) -> bool:
        """A numbered heading with nothing under it is an item of a list written as lines: the next block is
        numbered as high or higher ("二、配合……" after "一、……"), or plain text after a run of such items."""
        if list_label(block.text):
            return False
        leaf = following is None or (
            following.kind in ("heading", "para")
            and not following.cells
            and 0 < following.level <= block.level
        )
        leaf = leaf or (following.kind == "para" and self.leaf_level == block.level)
        self.leaf_level = block.level if leaf else 0
        return leaf

    def source_label(self, section: list[str] | None = None) -> str | None:
        for name in section if section is not None else self.section():
            label = list_label(name)
            if label:
                return label
        return None

    # Items ----------------------------------------------------------------------------------------------------

    def row(self, block: Block) -> None:
        self.enter_table(block)
        self.leaf_level = 0
        roles = column_roles(block.header)
        cell = functools.partial(_cell, block, roles)
        name, detail = cell("name"), cell("detail")
        township_duty, county_duty = cell("township_duty"), cell("county_duty")
        if not (name or detail or township_duty):
            if block.header or not is_duty(block.text):
                return
            name = max(block.cells, key=len)
        text = re.sub(r"\s*\n\s*", "", name or detail or township_duty)
        if detail == text:
            detail = ""
        parts = [detail] if detail else []
        if township_duty and township_duty != text:
            parts.append(f"乡镇职责：{township_duty}" if parts else township_duty)
        if county_duty:
            parts.append(f"县级部门职责：{county_duty}")
        if text in _TOTALS or text.isdigit():
            return
        section = self.section([cell("category")])
        item = self.add(block, text, "\n".join(parts), section, tag_text=" ".join([text, *parts]))
        # The source's own columns outrank what the text suggests.
        lead_names = tagger.split_names(cell("lead"))
        if lead_names:
            item.lead_dept = lead_names[0]
        if "coop" in roles or lead_names[1:]:
            coop = lead_names[1:] + tagger.split_names(cell("coop"))
            item.coop_depts = [name for name in dict.fromkeys(coop) if name != item.lead_dept]
        if cell("basis"):
            item.basis = cell("basis")

    def paragraph(self, block: Block) -> None:
        # Text after a table is outside it: the table's list row and category no longer apply.
        self.table, self.table_list, self.category, self.leaf_level = "", "", "", 0
        parts = sentences(block.text)
        level, _ = numbering(block.text)
        if level and parts:
            first = strip_numbering(parts[0]).rstrip("。；;！!？?：:")
            if len(parts) > 1 and len(first) <= 20 and "，" not in first and not _MODAL.search(first):
                self.push(level, first)
                parts = parts[1:]
        for sentence in parts:
            text = strip_numbering(sentence).rstrip("。；;！!？?，,")
            tags = tagger.tag(text)
            without = _without(text, tags.spans)
            if is_duty(sentence, without):
                self.add(block, text, tags=tags)

    def add(
        self,
        block: Block,
        text: str,
        detail: str = "",
        section: list[str] | None = None,
        tags: tagger.Tags | None = None,
        tag_text: str | None = None,
    ) -> Item:
        section = self.section() if section is None else section
        tags = tags or tagger.tag(tag_text or text)
        item = Item(
            doc=self.doc,
            file=self.file,
            text=text,
            township=self.township,
            page=block.page,
            locator=block.locator,
            section=section,
            detail=detail,
            lead_dept=tags.lead,
            coop_depts=tags.coop,
            basis=tags.basis,
            source_label=self.source_label(section),
            flags=list(block.flags),
        )
        return self.items.setdefault(item.id, item)


def _cell(block: Block, roles: dict[str, int], role: str) -> str:
    column = roles.get(role)
    return block.cells[column] if column is not None and column < len(block.cells) else ""


def _heading_text(text: str) -> str:
    """A heading as a section name: no number, no trailing punctuation, no item count ("（共26项）")."""
    name = clean(strip_numbering(text)).rstrip("。：:；;")
    return re.sub(r"[（(]\s*共?\s*\d+\s*项\s*[）)]$", "", name)


def _without(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + DEPT_MARK + text[end:]
    return text
