"""Double review: a fixed fraction of items goes to two different reviewers; agreement (Cohen's κ per pair and
per verdict); disagreements are listed until an admin adjudicates them."""

import pytest
from appdata import QUEUE_ORDER

from dutylist import store
from dutylist.errors import DutylistError
from dutylist.items import item_id


def test_the_overlap_is_a_fixed_fraction_chosen_by_item_id():
    sample = [item_id("ab" * 32, f"table 1 row {n}", f"事项{n}") for n in range(4000)]
    chosen = [i for i in sample if store.in_double_review(i, 0.1)]
    assert 0.085 < len(chosen) / len(sample) < 0.115
    assert chosen == [i for i in sample if store.in_double_review(i, 0.1)]  # the same every time
    assert not any(store.in_double_review(i, 0.0) for i in sample)
    assert all(store.in_double_review(i, 1.0) for i in sample)


def test_an_overlap_item_stays_queued_for_others_until_a_second_reviewer_decides(ids, conn):
    queue = store.QueueFilter(overlap=1.0)
    first = ids[QUEUE_ORDER[0]]
    store.add_review(conn, first, "confirm", reviewer="甲")
    assert first not in store.queue_ids(conn, queue, "甲", limit=-1)  # not for the one who decided
    assert first in store.queue_ids(conn, queue, "乙", limit=-1)
    assert store.take_item(conn, "乙", queue)["id"] == first
    assert first not in store.queue_ids(conn, store.QueueFilter(), "乙", limit=-1)  # no overlap: done
    store.add_review(conn, first, "relabel", "returned", reviewer="乙")
    assert first not in store.queue_ids(conn, queue, "丙", limit=-1)  # two opinions: done
    # a bulk confirm never gives a second opinion
    assert store.queue_count(conn, store.bulk_filter(queue, 0.0), "丙") == 4


def test_agreement_counts_and_kappa_per_pair_and_per_label(ids, conn):
    verdicts = [
        ("basic", "basic"),
        ("returned", "returned"),
        ("basic", "returned"),
        ("cooperative", "cooperative"),
    ]
    for item, (a, b) in zip(ids, verdicts, strict=False):
        store.add_review(conn, item, "relabel", a, reviewer="甲")
        store.add_review(conn, item, "relabel", b, reviewer="乙")
    store.add_review(conn, ids[4], "reject", reviewer="甲")  # one opinion only: not counted
    figures = store.agreement(conn)
    assert figures["pairs"] == [{"pair": "乙 / 甲", "items": 4, "agree": 3, "disagree": 1, "kappa": 0.6364}]
    by_label = {row["label"]: row for row in figures["labels"]}
    assert by_label["cooperative"]["kappa"] == 1.0 and by_label["basic"]["disagree"] == 1
    assert store.cohen_kappa([]) is None


def test_an_undone_opinion_does_not_count_and_adjudication_closes_a_disagreement(ids, conn):
    store.add_review(conn, ids[0], "confirm", reviewer="甲")  # basic
    store.add_review(conn, ids[0], "reject", reviewer="乙")
    store.add_review(conn, ids[0], "undo", reviewer="乙")
    assert store.disagreements(conn) == []
    store.add_review(conn, ids[0], "relabel", "cooperative", reviewer="乙")
    (row,) = store.disagreements(conn)
    assert (row["item_id"], row["labels"]) == (ids[0], ("basic", "cooperative"))
    event = store.adjudicate(conn, ids[0], "returned", admin="王主任")
    assert (event["reviewer"], event["new_label"], event["note"]) == ("王主任", "returned", "裁决")
    assert store.disagreements(conn) == []
    assert store.item_state(conn, ids[0])["final_label"] == "returned"
    assert store.agreement(conn)["pairs"][0]["disagree"] == 1  # the adjudicator is not a third opinion
    with pytest.raises(ValueError, match="verdict"):
        store.adjudicate(conn, ids[0], "maybe", admin="王主任")


def test_a_second_opinion_undone_goes_back_to_the_queue_and_imports_are_not_opinions(ids, conn):
    queue = store.QueueFilter(overlap=1.0)
    first, second = ids[QUEUE_ORDER[0]], ids[QUEUE_ORDER[1]]
    store.add_review(conn, first, "confirm", reviewer="甲")
    store.add_review(conn, first, "reject", reviewer="乙")
    store.add_review(conn, first, "undo", reviewer="乙")
    assert store.item_state(conn, first)["status"] == "confirmed"
    assert first in store.queue_ids(conn, queue, "乙", limit=-1)  # 乙 may give the opinion again
    assert first not in store.queue_ids(conn, queue, "甲", limit=-1)
    store.add_review(conn, second, "import", "basic", reviewer="导入")
    assert second not in store.queue_ids(conn, queue, "乙", limit=-1)
    store.add_review(conn, first, "relabel", "basic", reviewer="乙")
    store.adjudicate(conn, first, "basic", admin="王主任")
    assert first not in store.queue_ids(conn, queue, "丙", limit=-1)


@pytest.mark.parametrize("value", ["ten percent", "1.5", "-0.1"])
def test_a_bad_overlap_setting_names_the_variable_and_the_range(monkeypatch, value):
    from review_app import filters

    monkeypatch.setenv("DUTYLIST_OVERLAP", value)
    with pytest.raises(DutylistError, match="DUTYLIST_OVERLAP.*0 到 1"):
        filters.overlap()


def test_overlap_zero_turns_double_review_off(monkeypatch):
    from review_app import filters

    monkeypatch.setenv("DUTYLIST_OVERLAP", "0")
    assert filters.overlap() == 0.0
