"""The model's input: one string per item, built from the item's text and what its source says about it.

`model_input(row)` joins `text` and `detail`, then, after a separator, readable markers for the lead department's
level ("[牵头:县级部门]" names a county department, "[牵头:乡镇科室]" one of the township's own offices, which is not a
lead department in the cooperative sense), the department itself, the section headings and the list the source
put the item under (`source_label`). Missing or unknown fields are simply left out, so `{"id", "text"}` works.

Three views of an item, each with its own fitted pipeline and thresholds, by what the source gives: "lead" for
items that name a lead department (a table row of a list), "detail" for items with details but no lead department,
"text" for items with neither (a notice sentence, or `classify --in` with only id and text). The corpus, like real
lists, names the lead department of nearly every cooperative and returned row, so one model for all learns "no
lead department means basic" and is then confidently wrong on bare cooperative and returned items. Each view's
pipeline is trained on every corpus item with the fields the view lacks removed.

The analyzers the vectorizers use are module-level functions, so joblib can pickle the fitted pipeline:
`text_words` (jieba words of the text, role patterns such as "由县XX局负责" (`role_cues`) and the section markers),
`char_text` (the normalised text for char n-grams; markers are kept out of them so "县级部门" in a marker never looks
like text), `lead_markers` (the lead-department markers) and `list_markers` (the source list), both counted apart so
that a long text does not dilute them.

Example:
    >>> doc = model_input({"text": "食品安全隐患排查", "lead_dept": "县统计局", "section": ["平安法治"]})
    >>> char_text(doc)
    '食品安全隐患排查'
    >>> markers_of(doc)
    ['[牵头:县级部门]', '[部门:县统计局]', '[栏目:平安法治]']
"""

import functools
import re

from classify.tokenize import normalise_text, tokenize
from dutylist.items import HEADING_NUMBER, LABEL_NAMES
from dutylist.lexicon import department_levels, departments

TEXT_SEP = "\x1f"  # between the text and the markers
MARKER_SEP = "\x1e"  # between markers (a section heading may contain spaces)

COUNTY, TOWNSHIP = "县级部门", "乡镇科室"
# Fallback when the gazetteer does not know a name: county (or higher) bodies carry an administrative prefix, are
# county organs stationed in the township (派出所) or are named like a county body (…局, …委).
_COUNTY_NAME = re.compile(r"^(县|市|区|州|省|国家|团县委|团区委|团市委)|派出所$|(局|委|委员会|部|院|馆)$")
_TOWNSHIP_PREFIX = re.compile(r"^(乡镇|乡（镇）|镇（街道）|街道|[乡镇](?!村))")
_LIST_CUES = (("收回", "returned"), ("配合", "cooperative"), ("基本", "basic"))
_LEAD_MARKERS = ("[牵头:", "[部门:")
_LIST_MARKER = "[来源清单:"
# Every source-list marker there can be: the vocabulary of their 0/1 block is fixed, so a training set in which no
# item has a source list still fits.
LIST_MARKERS = tuple(f"{_LIST_MARKER}{name}]" for name in LABEL_NAMES.values())


@functools.cache
def _gazetteer_levels() -> dict[str, str]:
    """Department level by name as the model sees text (normalised: traditional folded, NFKC)."""
    return {normalise_text(name): level for name, level in department_levels().items()}


def lead_level(name: str) -> str:
    """COUNTY, TOWNSHIP or "" (no department named) for a lead-department cell.

    >>> lead_level("县市场监督管理局"), lead_level("综合行政执法队"), lead_level("")
    ('县级部门', '乡镇科室', '')
    """
    name = normalise_text(name).strip()
    if not name:
        return ""
    level = _gazetteer_levels().get(name)
    if level:
        return TOWNSHIP if level == "township" else COUNTY
    # A name the gazetteer does not know is a county body only if it looks like one; anything else in the column
    # (an unlisted township office such as 乡镇团委, a heading such as 网格化管理 put there by hand) is not a lead
    # department.
    return COUNTY if _COUNTY_NAME.search(name) and not _TOWNSHIP_PREFIX.search(name) else TOWNSHIP


def _list_label(heading: str) -> str | None:
    """The label a list heading names (基本履职事项清单 → basic), or None for an ordinary heading."""
    if "履职" not in heading and "收回" not in heading:
        return None
    return next((label for cue, label in _LIST_CUES if cue in heading), None)


def markers(row: dict) -> list[str]:
    """Readable markers for what the item's source says besides its text (see the module docstring)."""
    out: list[str] = []
    lead = str(row.get("lead_dept") or "").strip()
    level = lead_level(lead)
    if level:
        out.append(f"[牵头:{level}]")
        canonical = departments().get(normalise_text(lead), normalise_text(lead))
        out.append(f"[部门:{canonical}]")
    listed = row.get("source_label")
    section = row.get("section") or []
    for heading in section if isinstance(section, list) else [section]:
        heading = HEADING_NUMBER.sub("", normalise_text(str(heading))).strip()
        if heading and _list_label(heading):
            listed = listed or _list_label(heading)
        elif heading:
            out.append(f"[栏目:{heading}]")
    if listed in LABEL_NAMES:
        out.append(f"[来源清单:{LABEL_NAMES[listed]}]")
    return out


VIEWS = ("lead", "detail", "text")
# Views whose sentence-shaped items get thresholds of their own (see `is_sentence`).
SHAPED_VIEWS = ("text",)
SENTENCE = "@sentence"  # suffix of a label's sentence threshold: "basic@sentence"
_CLAUSE = re.compile(r"[，。；,;]")
SENTENCE_LENGTH = 18


def is_sentence(row: dict) -> bool:
    """Whether the item's text reads as a duty sentence (a clause mark, or 18 characters and more) rather than a
    bare noun phrase. From text alone a sentence says who does what; a four-word table cell often does not, so
    the text view sets auto-accept thresholds for the two apart.

    >>> is_sentence({"text": "经济普查清查摸底"}), is_sentence({"text": "由县统计局组织实施，乡镇负责清查摸底"})
    (False, True)
    """
    text = normalise_text(str(row.get("text") or "")).strip()
    return len(text) >= SENTENCE_LENGTH or bool(_CLAUSE.search(text))


_DROPPED = {"lead": (), "detail": ("lead_dept",), "text": ("lead_dept", "detail")}


def view_of(row: dict) -> str:
    """The view for an item: "lead" if it names a lead department, else "detail" if it has details, else "text".

    >>> view_of({"text": "摸排", "lead_dept": "县民政局"}), view_of({"text": "摸排", "detail": "入户核实"})
    ('lead', 'detail')
    """
    for view, field in (("lead", "lead_dept"), ("detail", "detail")):
        if str(row.get(field) or "").strip():
            return view
    return "text"


def as_view(row: dict, view: str) -> dict:
    """The item with the fields `view` does not use removed (how the view's pipeline is trained on it)."""
    return {key: value for key, value in row.items() if key not in _DROPPED[view]}


def model_input(row: dict, view: str = "lead") -> str:
    """The string the pipeline of `view` reads for one item: the text (+ detail), then the markers."""
    row = as_view(row, view)
    text = " ".join(str(row.get(key) or "").strip() for key in ("text", "detail")).strip()
    return text + TEXT_SEP + MARKER_SEP.join(markers(row))


def char_text(doc: str) -> str:
    """The normalised text part of a `model_input` string (preprocessor of the char n-gram vectorizer)."""
    return normalise_text(doc.split(TEXT_SEP, 1)[0])


def markers_of(doc: str) -> list[str]:
    """The markers part of a `model_input` string."""
    _, _, tail = doc.partition(TEXT_SEP)
    return [marker for marker in tail.split(MARKER_SEP) if marker]


def lead_markers(doc: str) -> list[str]:
    """Analyzer of the lead-department features: the [牵头:…] and [部门:…] markers, counted 0/1 apart from the
    words, so that a long text does not dilute what the lead-department column says."""
    return [marker for marker in markers_of(doc) if marker.startswith(_LEAD_MARKERS)]


def list_markers(doc: str) -> list[str]:
    """Analyzer of the source-list feature: the [来源清单:…] marker (the list heading a published list puts the item
    under), counted 0/1 apart from the words so that its weight does not shrink with the length of the text."""
    return [marker for marker in markers_of(doc) if marker.startswith(_LIST_MARKER)]


def text_words(doc: str) -> list[str]:
    """Analyzer of the word vectorizer: jieba words of the text, plus the section markers.

    A department named in the text becomes its canonical name (县市场监管局 → 县市场监督管理局) plus a marker of its
    level ("[文中:县级部门]"), so "由县XX局负责" generalises over departments the corpus rarely names. Section
    headings stay among the words (weighted like one): as separate 0/1 features they outweigh the text.
    """
    others = [marker for marker in markers_of(doc) if not marker.startswith((*_LEAD_MARKERS, _LIST_MARKER))]
    return [*_text_words(doc.split(TEXT_SEP, 1)[0]), *others]


def word_features(doc: str) -> list[str]:
    """Every word-like feature of a `model_input` string: its text words and all its markers."""
    return [*text_words(doc), *lead_markers(doc), *list_markers(doc)]


# Who does the work, as the sentence says it: a few role patterns between a county body and the township. Single
# words cannot carry them ("负责" is basic after 乡镇 and returned after 由县XX局), and the corpus names too few
# departments for every "由县XX局负责" to be learnt one department at a time.
_BODY = r"(?:县|市|区|州|省)[\u4e00-\u9fff（）()]{0,14}?(?:局|委员会|委|院|中心|部|办|站|所|队|联|会|处|公司|分局)"
_ROLES = (
    (
        "由县级部门负责",
        re.compile(
            rf"由{_BODY}(?:依法|统一|直接|具体|组织)?(?:负责|实施|办理|承担|开展|查处|审批|核发|作出)"
        ),
    ),
    ("县级部门牵头", re.compile(rf"{_BODY}(?:牵头|主责|负总责|为主)")),
    ("配合县级部门", re.compile(rf"(?:配合|协助|协同|支持|参与|陪同|会同|按照|根据|按){_BODY}")),
    ("报县级部门", re.compile(rf"(?:报|报送|上报|报告|移交|移送|反馈|推送|提交|交由|转交|告知|通报){_BODY}")),
    (
        "县级部门要求",
        re.compile(rf"{_BODY}(?:要求|部署|安排|委托|交办|通报|下发|确定|划定|组织的|开展的|实施的)"),
    ),
    (
        "乡镇要",
        re.compile(
            r"(?:各乡镇|各乡（镇）|乡镇（街道）|各镇|各街道|乡（镇）)[^，。；]{0,6}?(?:要|应|须|必须|负责)"
        ),
    ),
    (
        "村社区配合",
        re.compile(r"(?:组织|动员|引导|发动)(?:村|社区|群众|村民|居民|农户|党员)[^，。；]{0,8}?配合"),
    ),
)


_READABLE = {
    "牵头": "牵头部门为{}",
    "部门": "牵头部门：{}",
    "文中": "文中提到{}",
    "句式": "句式：{}",
    "栏目": "栏目：{}",
    "来源清单": "原清单列为{}",
}
_MARKER = re.compile(r"^\[([^:\]]+):(.*)\]$")


def readable(feature: str) -> str:
    """A feature as a reviewer reads it: words stay words, markers become short phrases.

    >>> readable("行政处罚"), readable("[句式:报县级部门]"), readable("[来源清单:配合履职事项]")
    ('行政处罚', '句式：报县级部门', '原清单列为配合履职事项')
    """
    match = _MARKER.match(feature)
    if not match or match.group(1) not in _READABLE:
        return feature
    return _READABLE[match.group(1)].format(match.group(2))


def role_cues(text: str) -> list[str]:
    """Markers for the role patterns `text` contains (see _ROLES).

    >>> role_cues("由县市场监管局负责查处无证经营"), role_cues("摸排后报县民政局")
    (['[句式:由县级部门负责]'], ['[句式:报县级部门]'])
    """
    return [f"[句式:{name}]" for name, pattern in _ROLES if pattern.search(text)]


@functools.lru_cache(maxsize=50_000)
def _text_words(text: str) -> tuple[str, ...]:
    # Cached: training tokenises each item once per view and fold, and jieba is most of the time spent.
    known = departments()
    words: list[str] = []
    for word in tokenize(text):
        if word in known:
            words += [known[word], f"[文中:{lead_level(word)}]"]
        else:
            words.append(word)
    return (*words, *role_cues(normalise_text(text)))
