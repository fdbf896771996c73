"""Reading an instruction as a plan (FakeBackend for the choice and the rewrites) and applying it
within its scope."""

from __future__ import annotations

from pathlib import Path

import pytest

from writersroom.errors import GenerationError
from writersroom.llm.fake import FakeBackend
from writersroom.revise import changes, plan, reject, revise
from writersroom.revise.ops import Operation, in_scope
from writersroom.revise.plan import candidates, choose, clauses
from writersroom.screenplay import fountain
from writersroom.screenplay.model import Dialogue, SceneHeading

SCRIPT = (Path(__file__).parent / "rain.fountain").read_text(encoding="utf-8")
DOC = fountain.parse(SCRIPT)


def ops(instruction: str, scope: set[int] | None = None) -> list[tuple[str, int | None, str, str]]:
    found = plan(DOC, instruction, FakeBackend(), scope=scope)
    return [(o.op, o.scene, o.character, o.value) for o in found]


def test_exact_operations_read_from_the_instruction() -> None:
    assert ops("rename Joe to Joanna") == [("rename_character", None, "JOE", "JOANNA")]
    assert ops("make scene 2 happen at night") == [("set_time", 2, "", "NIGHT")]
    assert ops("set the diner scene in the bowling alley") == [
        ("set_place", 2, "", "BOWLING ALLEY")
    ]
    assert ops("cut scene 3") == [("cut_scene", 3, "", "")]
    assert ops("move scene 3 before scene 2") == [("move_scene", 3, "", "1")]
    assert ops("cut Joe's speech in scene 1 in half") == [("shorten_speech", 1, "JOE", "")]
    assert ops("make the argument in scene 2 angrier") == [("rewrite_dialogue", 2, "", "angrier")]


def test_several_clauses_content_first_cuts_last() -> None:
    found = ops("Cut scene 1 and rename Mara to Maya; make scene 3 night")
    assert [o[0] for o in found] == ["rename_character", "set_time", "cut_scene"]
    assert clauses("cut scene 1. Then rename Joe to Jo") == ["cut scene 1", "Then rename Joe to Jo"]


def test_nothing_to_do_is_an_error_that_says_what_to_write() -> None:
    with pytest.raises(GenerationError, match="name the scene"):
        plan(DOC, "make it better", FakeBackend())


def test_the_words_narrow_the_candidates() -> None:
    assert [o.op for o in candidates(DOC, "make Joe angrier in scene 2")] == ["rewrite_lines"]
    shorten = candidates(DOC, "make Joe's lines in scene 1 shorter")
    assert [o.op for o in shorten] == ["shorten_speech"]


def test_the_model_chooses_among_the_candidates_under_a_grammar() -> None:
    options = candidates(DOC, "make Joe angrier in scene 2", narrow=False)
    assert len(options) > 1
    pick = options[1]
    form = f"Operation: {pick.op}\nScene: {pick.scene}\nCharacter: {pick.character}"
    backend = FakeBackend([f"{form}\nValue: {pick.value}"])
    assert choose(DOC, "make Joe angrier in scene 2", options, backend) == pick
    grammar = backend.requests[0].grammar or ""
    assert grammar.startswith("root ::= ") and grammar.count(" | ") == len(options) - 1
    with pytest.raises(GenerationError, match="none of the offered"):
        choose(DOC, "x", options, FakeBackend(["Operation: nonsense"]))


def test_scope_keeps_everything_else_unchanged() -> None:
    out = revise(DOC, "rename Joe to Joanna", FakeBackend(), scope={2}, date="2026-12-04")
    inside = in_scope(DOC.elements, {2})
    changed = {c.at for c in out.changes}
    assert changed and all(inside[n] for n in changed)
    assert all("JOANNA" in str(e).upper() for n, e in enumerate(out.elements) if n in changed)
    # an operation naming a scene outside the scope does nothing
    with pytest.raises(GenerationError):
        revise(DOC, "cut scene 3", FakeBackend(), scope={2})


def test_rewrites_go_through_the_model_with_the_scene() -> None:
    backend = FakeBackend(reply=lambda request: "Fine. Coffee. Now!")
    out = revise(DOC, "make the dialogue in scene 2 angrier", backend, date="2026-12-04")
    assert {c.op for c in out.changes} == {"rewrite_dialogue"}
    speeches = [e for e in out.elements[out.changes[0].at :] if isinstance(e, Dialogue)]
    assert speeches[0].lines == ("Fine. Coffee. Now!",)
    assert "INT. DINER - DAY" in backend.requests[0].messages[-1].content
    assert "angrier" in backend.requests[0].messages[-1].content
    assert isinstance(out.elements[0], SceneHeading) and out.elements[0].revision is None
    assert reject(out) == DOC


def test_insert_beat_writes_an_action_or_takes_the_quoted_one() -> None:
    out = revise(DOC, 'add a beat to scene 3: "Rain starts."', FakeBackend())
    [view] = changes(out)
    assert view.op == "insert_beat" and view.after == "Rain starts." and view.scene == 3
    backend = FakeBackend(["The jukebox skips."])
    out = revise(DOC, "add a beat in scene 2 where the jukebox skips", backend)
    assert changes(out)[0].after == "The jukebox skips."


def test_shorten_keeps_half_the_sentences() -> None:
    out = revise(DOC, "shorten Joe's speech in scene 1", FakeBackend())
    [view] = changes(out)
    assert view.after == "JOE\nI came. I said I would."


def test_move_and_cut_scenes() -> None:
    out = revise(DOC, "move scene 1 to the end", FakeBackend())
    headings = [e.text for e in out.elements if isinstance(e, SceneHeading)]
    assert headings == ["INT. DINER - DAY", "EXT. ROAD - DAY", "EXT. PIER - NIGHT"]
    assert reject(out) == DOC
    out = revise(DOC, "cut scenes 2-3", FakeBackend())
    assert [e.text for e in out.elements if isinstance(e, SceneHeading)] == ["EXT. PIER - NIGHT"]
    assert reject(out) == DOC


def test_rename_reaches_cues_with_a_prefix_and_possessives() -> None:
    doc = fountain.parse("INT. A - DAY\n\nJoe's hat.\n\nYOUNG JOE\nHi.\n\nJOE\nHey.\n")
    out = revise(doc, "rename Joe to Jim", FakeBackend())
    text = fountain.render(changes_free(out))
    assert "Jim's hat." in text and "YOUNG JIM" in text and "Joe" not in text.title()


def changes_free(doc):
    from writersroom.revise.store import embed

    return embed(doc).__class__(doc.title_page, embed(doc).elements[:-1])


def test_operation_records_compare_without_their_request() -> None:
    assert Operation("cut_scene", 2, request="a") == Operation("cut_scene", 2, request="b")


def test_cutting_a_numbered_scene_leaves_it_omitted() -> None:
    doc = fountain.parse(
        "INT. A - DAY #1#\n\nRain.\n\nINT. B - DAY #2#\n\nSun.\n\nINT. C - DAY #3#\n"
    )
    out = revise(doc, "cut scene 2", FakeBackend())
    headings = [(e.text, e.number) for e in out.elements if isinstance(e, SceneHeading)]
    assert headings == [("INT. A - DAY", "1"), ("OMITTED", "2"), ("INT. C - DAY", "3")]
    assert reject(out) == doc
