"""Voices of a script's and a story project's characters."""

import json
from pathlib import Path

import pytest

from writersroom.errors import FormatError, ProjectError
from writersroom.screenplay import fountain
from writersroom.voice.cast import learn_voices, load_voices, speeches_of
from writersroom.voice.profile import Speech

HARBOUR = Path(__file__).parent / "fixtures" / "harbour.fountain"


def test_script_voices_are_distinct_with_representative_examples():
    cast = load_voices(HARBOUR)
    assert cast.names == ["CAPTAIN REEVE", "JEEVES", "MILO"]
    assert cast.distinctiveness > 0.6
    reeve, jeeves, milo = cast.voices
    assert reeve.lines == 8 and len(reeve.examples) == 5
    assert all("matey" in x.lower() or "arr" in x.lower() or "lad" in x for x in reeve.examples)
    assert jeeves.profile.formality > milo.profile.formality
    assert "(without looking up)" in jeeves.profile.parentheticals
    assert milo.profile.questions > jeeves.profile.questions
    data = json.loads(json.dumps(cast.to_json()))
    assert set(data) == {"characters", "distinctiveness"}
    assert set(data["characters"][0]) == {"name", "lines", "profile", "examples"}


def test_a_voice_is_found_by_cue_or_first_name():
    cast = load_voices(HARBOUR)
    assert cast.get("captain reeve").name == "CAPTAIN REEVE"
    assert cast.get("CAPTAIN").name == "CAPTAIN REEVE"
    assert cast.get("NOBODY") is None


def test_parentheticals_are_kept_apart_from_speech():
    doc = fountain.parse("INT. X - DAY\n\nANN\n(softly)\nHello there.\n")
    assert speeches_of(doc) == {"ANN": [Speech("Hello there.", "(softly)")]}


def test_bio_until_enough_lines_then_lines():
    bios = {"ANN": "softly, in short sentences", "BOB": "loud"}
    speeches = {"ANN": [Speech("Hi.")], "BOB": [Speech(f"Go now, go {i}!") for i in range(4)]}
    cast = learn_voices(speeches, bios)
    assert cast.get("ANN").profile.source == "bio" and cast.get("BOB").profile.source == "lines"


def test_project_voices_come_from_bios_and_drafted_lines(story_project):
    cast = load_voices(story_project)
    assert cast.voices and all(v.profile.source in ("bio", "lines") for v in cast.voices)
    assert any(v.profile.description or v.lines for v in cast.voices)


def test_errors_say_what_to_give(tmp_path):
    with pytest.raises(ProjectError, match="not a story project"):
        load_voices(tmp_path)
    with pytest.raises(FormatError, match="no such script"):
        load_voices(tmp_path / "missing.fountain")
