"""Similarity of duty texts: the index the admission check and the cross-township comparison match items with.

A duty is compared by what it is about, not by who does it: department names and role words (负责, 配合, 各乡镇,
做好 …) are taken out first (`match_text`), since they are exactly what differs between a township's list and a
county notice about the same duty. What is left is compared with two TF-IDF views, cosine each, averaged:

- character 2-4-grams (robust to wording and to jieba's segmentation choices: 低保 ~ 最低生活保障 share 低/保);
- words from `classify.tokenize.tokenize` (jieba + the government dictionary), so whole terms count once.

The vectorizers are fitted on the indexed texts only, so a sentence scores the same whichever other sentences
are checked with it. A query's words the index has never seen still count in the query's length (weighted as the
rarest known word), so a long sentence sharing one common word with an item does not look like it.
No model is downloaded; fitting a few hundred texts takes milliseconds.

Example:
    >>> index = MatchIndex(["农村低保申请受理和入户调查", "森林防火巡查"], ["a", "b"])
    >>> scores = index.scores(["各乡镇要做好低保申请家庭的入户调查"])  # doctest: +SKIP
    >>> index.ids[scores[0].argmax()]  # doctest: +SKIP
    'a'
"""

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from classify.tokenize import normalise_text, tokenize
from dutylist.lexicon import departments, load_jieba

# The two views weigh the same: char n-grams alone over-reward shared boilerplate such as 排查/巡查, words alone
# miss abbreviations (医保 ~ 医疗保险).
CHAR_WEIGHT = 0.4

# Who does the work and how insistently, and the enforcement boilerplate (查处, 行政处罚 …) every returned item
# shares: they say nothing about which duty a text is, and made unrelated enforcement items look alike.
_ROLE_WORDS = re.compile(
    r"各乡镇（街道）|各乡镇|乡镇（街道）|乡镇人民政府|乡镇|街道办事处|街道|镇级|乡级|县级|本级|各村（社区）|村（社区）"
    r"|负责|牵头|配合|协助|协同|参与|支持|做好|抓好|切实|认真|及时|进一步|持续|全力|积极|严格|依法|按照|要求"
    r"|应当|必须|务必|确保|开展|组织实施|落实|加强|推进|相关|有关|工作|辖区内|辖区|范围内"
    r"|行政处罚|处罚|立案查处|查处|违法行为|行为|实施|进行"
)
# A department the gazetteer does not know (县XX局, 市XX委 …), as extract.tagger recognises them.
_OTHER_DEPT = re.compile(
    r"(?:[县区市](?:委|人民政府)?)[\u4e00-\u9fff]{1,10}?(?:管理局|服务局|执法局|局|委员会|办公室|大队|支队|分局)"
    r"|[\u4e00-\u9fff]{2,6}部门"
)
_NOT_WORD = re.compile(r"[^\w]|_")


@functools.cache
def _department_pattern() -> re.Pattern:
    names = sorted(departments(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)) if names else r"(?!)")


def match_text(text: str) -> str:
    """The part of a duty text that says what the duty is: no departments, role words or punctuation.

    >>> match_text("配合县市场监管局做好辖区内食品安全隐患排查工作。")  # doctest: +SKIP
    '食品安全隐患排查'
    """
    text = normalise_text(text)
    text = _department_pattern().sub(" ", text)
    text = _OTHER_DEPT.sub(" ", text)
    text = _ROLE_WORDS.sub(" ", text)
    return re.sub(r"\s+", " ", _NOT_WORD.sub(" ", text)).strip()


def match_words(text: str) -> list[str]:
    """Words of `text` for the word view: `tokenize`'s words plus the dictionary words inside long ones.

    The government dictionary keeps compounds whole (秸秆禁烧, 焚烧秸秆), which is right for the classifier but
    hides that 秸秆禁烧 and 焚烧秸秆 are about the same thing; their parts (秸秆, 禁烧) are added. Module-level so
    a fitted vectorizer can be pickled.

    >>> match_words("秸秆禁烧巡查")  # doctest: +SKIP
    ['秸秆禁烧', '秸秆', '禁烧', '巡查']
    """
    words = []
    for word in tokenize(text):
        words.append(word)
        if len(word) > 2:
            words += [part for part in load_jieba().lcut_for_search(word) if part != word and len(part) > 1]
    return words


class MatchIndex:
    """Texts to compare queries with (`scores`) or with each other (`pairwise`), kept by id.

    texts: the indexed texts (for a confirmed item: its 事项名称 and 事项内容 joined); ids: one per text.
    """

    def __init__(self, texts: Sequence[str], ids: Sequence[str]) -> None:
        if len(texts) != len(ids):
            raise ValueError(f"{len(texts)} texts but {len(ids)} ids")
        self.ids = list(ids)
        self.texts = [match_text(text) for text in texts]
        self.views_: list[tuple[float, TfidfVectorizer, sparse.csr_matrix]] = []
        if not any(self.texts):
            return
        for weight, vectorizer in (
            (CHAR_WEIGHT, TfidfVectorizer(analyzer="char", ngram_range=(2, 4), sublinear_tf=True)),
            (1 - CHAR_WEIGHT, TfidfVectorizer(analyzer=match_words, sublinear_tf=True)),
        ):
            self.views_.append((weight, vectorizer, vectorizer.fit_transform(self.texts)))

    def scores(self, queries: Sequence[str]) -> np.ndarray:
        """Similarity of every query (rows) to every indexed text (columns)."""
        total = np.zeros((len(queries), len(self.ids)))
        cleaned = [match_text(query) for query in queries]
        for weight, vectorizer, matrix in self.views_:
            total += weight * (_query_matrix(vectorizer, cleaned) @ matrix.T).toarray()
        return total

    def pairwise(self) -> np.ndarray:
        """Similarity of every indexed text to every other (the diagonal is 1 for a non-empty text)."""
        total = np.zeros((len(self.ids), len(self.ids)))
        for weight, _, matrix in self.views_:
            total += weight * (matrix @ matrix.T).toarray()
        return total


def _query_matrix(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sparse.csr_matrix:
    """TF-IDF rows of `texts` in the vectorizer's space, each normalised over all its terms, known or not."""
    analyse = vectorizer.build_analyzer()
    vocabulary, idf = vectorizer.vocabulary_, vectorizer.idf_
    unseen = float(idf.max())
    rows, columns, values = [], [], []
    for row, text in enumerate(texts):
        counts = Counter(analyse(text))
        weights = {
            term: (1 + math.log(n)) * (idf[vocabulary[term]] if term in vocabulary else unseen)
            for term, n in counts.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for term, weight in weights.items():
            if term in vocabulary:
                rows.append(row)
                columns.append(vocabulary[term])
                values.append(weight / norm)
    return sparse.csr_matrix((values, (rows, columns)), shape=(len(texts), len(vocabulary)))
