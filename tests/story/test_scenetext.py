from hypothesis import given
from hypothesis import strategies as st

from writersroom.story.scenetext import (
    format_scene_text,
    parse_scene_text,
    resolve_speakers,
    tail_lines,
)
from writersroom.story.types import ActionBlock, DialogueBlock

SCENE = """Maya pushes the door open. Rain drips from her coat.

MAYA TORRES
(quietly)
Is anyone here?

ELIAS CRANE (O.S.)
Up here.

Maya climbs the stairs.
"""


def test_parse_scene_text_reads_action_and_dialogue():
    assert parse_scene_text(SCENE) == [
        ActionBlock(text="Maya pushes the door open. Rain drips from her coat."),
        DialogueBlock(speaker="MAYA TORRES", lines=("(quietly)", "Is anyone here?")),
        DialogueBlock(speaker="ELIAS CRANE", lines=("Up here.",), extension="O.S."),
        ActionBlock(text="Maya climbs the stairs."),
    ]
    assert format_scene_text(parse_scene_text(SCENE)) == SCENE


def test_inline_cues_markdown_and_fences_from_unconstrained_models():
    text = "```\n**MAYA**\nHello.\n\nElias: Go home, Maya.\n\nNote: this is the end.\n```"
    assert parse_scene_text(text) == [
        DialogueBlock(speaker="MAYA", lines=("Hello.",)),
        DialogueBlock(speaker="ELIAS", lines=("Go home, Maya.",)),
        ActionBlock(text="Note: this is the end."),
    ]


def test_headings_and_transitions_are_not_cues():
    text = "INT. LIGHTHOUSE - NIGHT\nMaya waits.\n\nCUT TO:\nThe sea."
    blocks = parse_scene_text(text)
    assert all(isinstance(b, ActionBlock) for b in blocks)


def test_forced_action_round_trips():
    blocks = [ActionBlock(text="MAYA\nwalks in."), ActionBlock(text="Elias: a name and a colon.")]
    text = format_scene_text(blocks)
    assert text.startswith("!MAYA")
    assert parse_scene_text(text) == blocks


def test_resolve_short_cues_only_when_unambiguous():
    blocks = [
        DialogueBlock(speaker="MAYA", lines=("Hi.",)),
        DialogueBlock(speaker="PARK", lines=("Hey.",)),
    ]
    resolved = resolve_speakers(blocks, ["MAYA TORRES", "JUNE PARK", "ADA PARK"])
    assert [b.speaker for b in resolved] == ["MAYA TORRES", "PARK"]


def test_tail_lines_for_the_next_scene():
    assert tail_lines(parse_scene_text(SCENE), 2) == [
        "ELIAS CRANE: Up here.",
        "Maya climbs the stairs.",
    ]


_words = st.text(alphabet="abcdefghij ,.!?'", min_size=1, max_size=30).map(str.strip).filter(bool)
_action = st.builds(lambda w: ActionBlock(text=w[0].upper() + w[1:]), _words)
_speech = st.builds(
    lambda who, lines: DialogueBlock(speaker=who, lines=tuple(lines)),
    st.sampled_from(["MAYA", "ELIAS CRANE", "DR. O'NEIL"]),
    st.lists(_words.filter(lambda w: not w.startswith("(")), min_size=1, max_size=3),
)


@given(st.lists(st.one_of(_action, _speech), max_size=8))
def test_format_then_parse_is_identity(blocks):
    assert parse_scene_text(format_scene_text(blocks)) == blocks
