"""Split and merge as review actions: originals kept and rejected with the reason, new items in the queue with
the original's proposal, right after it in source order; undo restores the originals and withdraws the new ones."""

import pytest

from dutylist import store


def document_texts(conn, doc_of):
    doc = store.item_state(conn, doc_of)["doc"]
    rows = conn.execute(
        """SELECT i.text, COALESCE(s.status, 'pending') FROM items i LEFT JOIN review_state s ON s.item_id = i.id
           WHERE i.doc = ? ORDER BY i.seq""",
        (doc,),
    )
    return [tuple(row) for row in rows]


def test_split_keeps_the_original_and_queues_two_new_items_right_after_it(ids, conn):
    first = store.item_state(conn, ids[0])
    result = store.split_item(conn, ids[0], ["农村最低生活保障申请受理", "低保对象动态管理"], reviewer="甲")
    assert document_texts(conn, ids[0])[:4] == [
        (first["text"], "rejected"),
        ("农村最低生活保障申请受理", "pending"),
        ("低保对象动态管理", "pending"),
        ("配合开展森林防火巡查和野外火源管控", "pending"),
    ]
    new = [store.item_state(conn, item_id) for item_id in result["ids"]]
    assert [item["locator"] for item in new] == ["table 1 row 2 (split 1/2)", "table 1 row 2 (split 2/2)"]
    assert {(item["proposed_label"], item["confidence"], item["page"], item["doc"]) for item in new} == {
        ("basic", 0.55, first["page"], first["doc"])
    }
    assert all(item["section"] == first["section"] for item in new)
    queued = store.queue_ids(conn, store.QueueFilter(), limit=-1)
    assert set(result["ids"]) <= set(queued) and ids[0] not in queued
    event = store.reviews(conn, ids[0])[-1]
    assert (event["action"], event["status"], event["reviewer"]) == ("reject", "rejected", "甲")
    assert "拆分为" in event["note"] and "低保对象动态管理" in event["note"]


def test_undo_of_a_split_restores_the_original_and_withdraws_the_new_items(ids, conn):
    result = store.split_item(conn, ids[0], ["甲事项", "乙事项"], reviewer="甲")
    assert store.undo_restructure(conn, result["batch"], "甲") == 3
    assert store.item_state(conn, ids[0])["status"] == "pending"
    assert {store.item_state(conn, item_id)["status"] for item_id in result["ids"]} == {"rejected"}
    assert len(store.reviews(conn)) == 6  # nothing deleted: 3 events and 3 undo events
    again = store.split_item(conn, ids[0], ["甲事项", "乙事项"], reviewer="甲")  # fresh items, no clash
    assert not set(again["ids"]) & set(result["ids"])


def test_merge_joins_an_item_with_the_next_and_undo_takes_it_back(ids, conn):
    result = store.merge_with_next(conn, ids[1], reviewer="乙")
    merged = store.item_state(conn, result["ids"][0])
    assert merged["text"] == "配合开展森林防火巡查和野外火源管控食品生产许可证核发"
    assert merged["proposed_label"] == "cooperative" and merged["status"] == "pending"
    assert [text for text, _ in document_texts(conn, ids[0])] == [
        "农村最低生活保障申请受理、初审和动态管理",
        "配合开展森林防火巡查和野外火源管控",
        merged["text"],
        "食品生产许可证核发",
        "城乡居民基本养老保险参保登记",
    ]
    assert {store.item_state(conn, ids[n])["status"] for n in (1, 2)} == {"rejected"}
    store.undo_restructure(conn, result["batch"], "乙")
    assert {store.item_state(conn, ids[n])["status"] for n in (1, 2)} == {"pending"}
    assert store.item_state(conn, merged["id"])["status"] == "rejected"


def test_merge_skips_rejected_items_and_refuses_at_the_end_of_a_document(ids, conn):
    store.add_review(conn, ids[2], "reject", reviewer="甲")
    result = store.merge_with_next(conn, ids[1], reviewer="甲", text="森林防火和养老保险")
    assert store.item_state(conn, ids[3])["status"] == "rejected"
    assert store.item_state(conn, result["ids"][0])["text"] == "森林防火和养老保险"
    with pytest.raises(ValueError, match="最后一条"):
        store.merge_with_next(conn, ids[4], reviewer="甲")
    with pytest.raises(ValueError, match="两条"):
        store.split_item(conn, ids[0], ["只有一条", " "], reviewer="甲")
