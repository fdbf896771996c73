"""The document store: updates are kept until compaction folds them into one snapshot."""

from __future__ import annotations

from pycrdt import Doc, Text

from writersroom.web.accounts import add_user, create_project
from writersroom.web.db import open_engine, session_factory
from writersroom.web.store import DocStore
from writersroom.web.ydoc import replace_text, text_of


def test_compaction_bounds_the_store_and_keeps_the_text(web):
    engine = open_engine(web.db_url)
    sessions = session_factory(engine)
    with sessions() as db:
        pid = create_project(db, add_user(db, "a@example.com", "long enough"), "T").id
        db.commit()
    store = DocStore(sessions)
    doc: Doc = Doc()
    text = doc.get("fountain", type=Text)
    for i in range(300):  # typing, then deleting most of it again
        before = doc.get_state()
        text.insert(len(text), f"word{i} ")
        store.append(pid, doc.get_update(before))
    before = doc.get_state()
    del text[0 : len(text) - 10]
    store.append(pid, doc.get_update(before))
    grown = store.size(pid)
    assert grown.updates == 301
    assert store.compact(pid) == 301
    compacted = store.size(pid)
    assert compacted.updates == 0 and compacted.snapshot_bytes < grown.update_bytes / 5
    assert text_of(store.load(pid)) == str(text)
    assert store.compact(pid) == 0
    store.close()
    engine.dispose()


def test_replace_text_touches_only_changed_lines():
    doc: Doc = Doc()
    text = doc.get("fountain", type=Text)
    text += "A line.\nKeep me 😀.\nOld line.\n"
    replace_text(doc, "A line.\nKeep me 😀.\nNew line.\nAdded.\n")
    assert str(text) == "A line.\nKeep me 😀.\nNew line.\nAdded.\n"
    replace_text(doc, "")
    assert str(text) == ""
