"""Tracked changes: track, describe, accept, reject, and the round trip through every format."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from writersroom.errors import FormatError
from writersroom.revise import store, tracking
from writersroom.revise.ops import Operation, apply
from writersroom.screenplay import fdx, fountain, jsonformat
from writersroom.screenplay.model import Action, Dialogue, SceneHeading, Screenplay

SCRIPT = (Path(__file__).parent / "rain.fountain").read_text(encoding="utf-8")


def revised(doc: Screenplay) -> Screenplay:
    steps = []
    elements = list(doc.elements)
    for op in (
        Operation("rename_character", character="JOE", value="JOANNA"),
        Operation("set_time", scene=2, value="NIGHT"),
        Operation("cut_scene", scene=3),
    ):
        elements = apply(elements, op)
        steps.append((op.op, elements))
    return tracking.track(doc, steps, tracking.new_revision_set(doc, date="2026-12-04"))


def test_track_marks_changed_elements_and_lists_them() -> None:
    doc = fountain.parse(SCRIPT)
    out = revised(doc)
    assert out.revisions[0].color == "Blue" and out.revisions[0].date == "2026-12-04"
    views = tracking.describe(out)
    ops = {v.op for v in views}
    assert ops == {"rename_character", "set_time", "cut_scene"}
    cut = next(v for v in views if v.op == "cut_scene")
    assert cut.after == "" and "EXT. ROAD - DAY" in cut.before and cut.scene == 3
    heading = next(v for v in views if v.op == "set_time")
    assert heading.scene == 2 and heading.after.startswith("INT. DINER - NIGHT")
    marked = [e for e in out.elements if getattr(e, "revision", None) == "1"]
    assert marked and all("Joe" not in str(e) or "JOANNA" in str(e) for e in marked)
    unchanged = out.elements[0]
    assert isinstance(unchanged, SceneHeading) and unchanged.revision is None


def test_reject_all_restores_and_accept_all_keeps() -> None:
    doc = fountain.parse(SCRIPT)
    out = revised(doc)
    assert tracking.reject(out) == doc
    kept = tracking.accept(out)
    assert kept.changes == () and kept.elements == out.elements and kept.revisions


def test_reject_some_then_the_rest() -> None:
    doc = fountain.parse(SCRIPT)
    out = revised(doc)
    first = out.changes[0].id
    partly = tracking.reject(out, [first])
    assert len(partly.changes) == len(out.changes) - 1
    assert tracking.reject(partly) == doc
    with pytest.raises(FormatError, match=r"no change 9\.9"):
        tracking.reject(out, ["9.9"])


def test_track_refuses_pending_changes() -> None:
    out = revised(fountain.parse(SCRIPT))
    with pytest.raises(FormatError, match="accept or reject"):
        tracking.track(out, [], tracking.new_revision_set(out))


@pytest.mark.parametrize("suffix", [".fdx", ".json", ".fountain"])
def test_changes_survive_each_format(tmp_path: Path, suffix: str) -> None:
    doc = fountain.parse(SCRIPT)
    out = revised(doc)
    path = store.save(out, tmp_path / f"rain{suffix}")
    back = store.load(path)
    assert back == out
    assert tracking.reject(back).elements == doc.elements


def test_fdx_carries_final_drafts_own_marks() -> None:
    out = revised(fountain.parse(SCRIPT))
    xml = fdx.render(out)
    assert 'RevisionID="1"' in xml
    assert '<Revision Color="#00000000FFFF"' in xml and 'Name="Blue Revision"' in xml
    # Final Draft's own file: marks and sets without our record still read
    plain = xml.split("  <WritersroomRevisions>")[0] + "</FinalDraft>\n"
    back = fdx.parse(plain)
    assert back.elements == out.elements
    assert [(r.id, r.color) for r in back.revisions] == [("1", "Blue")]
    assert back.changes == ()


def test_unrevised_documents_are_written_as_before() -> None:
    doc = fountain.parse(SCRIPT)
    assert "revision" not in jsonformat.render(doc)
    assert "Revision" not in fdx.render(doc)
    assert store.embed(doc) == doc


_ELEMENTS = st.lists(
    st.one_of(
        st.sampled_from(["INT. A - DAY", "EXT. B - NIGHT"]).map(SceneHeading),
        st.sampled_from(["Joe runs.", "Rain.", "Mara sits."]).map(Action),
        st.sampled_from(["JOE", "MARA"]).map(lambda s: Dialogue(s, ("Hi Joe. Bye. Go.",))),
    ),
    max_size=20,
)
_OPS = st.lists(
    st.one_of(
        st.builds(
            Operation, st.just("rename_character"), st.none(), st.just("JOE"), st.just("ZED")
        ),
        st.builds(Operation, st.just("set_time"), st.integers(1, 5), st.just(""), st.just("DUSK")),
        st.builds(Operation, st.just("cut_scene"), st.integers(1, 5)),
        st.builds(Operation, st.just("move_scene"), st.integers(1, 5), st.just(""), st.just("1")),
        st.builds(Operation, st.just("shorten_speech"), st.none(), st.just("MARA")),
        st.builds(Operation, st.just("insert_beat"), st.integers(1, 5), st.just(""), st.just("X.")),
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(_ELEMENTS, _OPS)
def test_property_reject_all_gives_back_the_original(elements, operations) -> None:
    doc = Screenplay((), tuple(elements))
    steps, current = [], list(doc.elements)
    for op in operations:
        current = apply(current, op)
        steps.append((op.op, current))
    out = tracking.track(doc, steps, tracking.new_revision_set(doc))
    assert [marked_free(e) for e in out.elements] == current
    assert tracking.reject(out) == doc
    assert tracking.reject(jsonformat.parse(jsonformat.render(out))) == doc


def marked_free(element):
    from writersroom.screenplay.model import marked

    return marked(element, None)


def test_a_second_round_gets_the_next_colour_and_rejects_to_the_first() -> None:
    doc = fountain.parse(SCRIPT)
    first = tracking.accept(revised(doc))
    second = changes_round(first)
    assert [r.color for r in second.revisions] == ["Blue", "Pink"]
    assert {c.revision for c in second.changes} == {"2"}
    assert all(c.id.startswith("2.") for c in second.changes)
    assert tracking.reject(second) == first


def changes_round(doc: Screenplay) -> Screenplay:
    elements = apply(doc.elements, Operation("set_time", scene=1, value="DAWN"))
    return tracking.track(doc, [("set_time", elements)], tracking.new_revision_set(doc))


def test_a_cut_scene_is_listed_as_the_scene_it_was() -> None:
    doc = fountain.parse(SCRIPT)
    elements = apply(doc.elements, Operation("cut_scene", scene=2))
    out = tracking.track(doc, [("cut_scene", elements)], tracking.new_revision_set(doc))
    [view] = tracking.describe(out)
    assert view.scene == 2 and view.before.startswith("INT. DINER")
