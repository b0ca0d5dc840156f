"""Departments and legal basis in an item's text: spaCy (blank zh + jieba) with an EntityRuler from the gazetteer.

Department names are normalised to their canonical form (县市场监管局 -> 县市场监督管理局). The lead department
comes from cues (由县XX局负责, 配合县XX局, 县XX局牵头); a township office is never a lead department.

>>> tags = tag("配合县市场监管局做好食品安全宣传，依据《中华人民共和国食品安全法》第六条。")  # doctest: +SKIP
>>> tags.lead, tags.basis  # doctest: +SKIP
('县市场监督管理局', '《中华人民共和国食品安全法》第六条')
"""

import functools
import re
from dataclasses import dataclass, field

import spacy
from spacy.language import Language

from dutylist import lexicon

# A department the gazetteer does not know: 县/区/市 (+委) + a short name + an office suffix; not 城市…, 全县…
_UNKNOWN_DEPT = re.compile(
    r"(?<![城全本各郊社景园辖山省地])(?:[县区市](?:委|人民政府)?)[\u4e00-\u9fff]{1,10}?"
    r"(?:管理局|服务局|执法局|局|委员会|办公室|中心|大队|支队|分局)"
)
_LEGAL_REF = re.compile(
    r"《[^《》\n]{2,60}》(?:\s*(?:第[一二三四五六七八九十百零〇两\d]+(?:条|款|项|章)\s*[、，,和及与至]?\s*)+)?"
)
_LEAD_BEFORE = re.compile(r"(?:配合|协助|协同|支持|配合好|协助好)$")
_LEAD_BY = re.compile(r"由$")
_LEAD_AFTER = re.compile(r"^(?:牵头|负责|主责|统筹)")


@dataclass
class Tags:
    """What the tagger found in one text."""

    departments: list[str] = field(default_factory=list)
    lead: str = ""
    coop: list[str] = field(default_factory=list)
    basis: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)


def level(name: str) -> str:
    """county / township / city for a department name (canonical or short); guessed from its prefix if unknown."""
    known = lexicon.department_levels().get(canonical(name))
    if known:
        return known
    if name.startswith("市"):
        return "city"
    return "county" if name.startswith(("县", "区")) else ""


def canonical(name: str) -> str:
    """The canonical form of a department name, or the name itself when the gazetteer does not know it."""
    name = re.sub(r"\s+", "", name)
    return lexicon.departments().get(name, name)


@functools.cache
def nlp() -> Language:
    """The spaCy pipeline, built once per process (joblib and Dask workers build their own)."""
    lexicon.load_jieba()  # before the patterns: a name only matches when jieba keeps it one token
    pipeline = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    ruler = pipeline.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    patterns = [
        {"label": "DEPT", "pattern": name, "id": canonical_name}
        for name, canonical_name in sorted(lexicon.departments().items())
    ]
    ruler.add_patterns(patterns)
    return pipeline


def departments(text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical name) of every department named in `text`, in order."""
    doc = nlp()(text)
    found = [
        (ent.start_char, ent.end_char, ent.ent_id_ or ent.text) for ent in doc.ents if ent.label_ == "DEPT"
    ]
    for match in _UNKNOWN_DEPT.finditer(text):
        if not any(start < match.end() and match.start() < end for start, end, _ in found):
            found.append((match.start(), match.end(), canonical(match.group())))
    return sorted(found)


def legal_refs(text: str) -> list[str]:
    """Legal references such as 《中华人民共和国防洪法》第二十五条, in order, without repeats."""
    refs = []
    for match in _LEGAL_REF.finditer(text):
        ref = re.sub(r"[\s、，,和及与至]+$", "", match.group())
        if ref not in refs:
            refs.append(ref)
    return refs


def split_names(cell: str) -> list[str]:
    """Department names listed in a table cell ("县水利局、县应急局" or one per line), canonical, in order."""
    names = []
    for part in re.split(r"[、，,；;/\s（）()]+", cell):
        if part and part not in ("无", "—", "-", "/") and canonical(part) not in names:
            names.append(canonical(part))
    return names


def tag(text: str) -> Tags:
    """Departments, lead, cooperating departments and legal basis named in `text`."""
    found = departments(text)
    tags = Tags(spans=[(start, end) for start, end, _ in found], basis="；".join(legal_refs(text)))
    for start, end, name in found:
        if name not in tags.departments:
            tags.departments.append(name)
        if level(name) == "township":
            continue
        before, after = text[max(0, start - 4) : start], text[end : end + 4]
        if not tags.lead and (
            _LEAD_BEFORE.search(before) or _LEAD_BY.search(before) or _LEAD_AFTER.match(after)
        ):
            tags.lead = name
    tags.coop = [name for name in tags.departments if name != tags.lead and level(name) != "township"]
    return tags
