"""The continuity checker: each kind caught and located; quiet on what scripts do on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from writersroom.revise import check, fix
from writersroom.revise.continuity import to_data
from writersroom.revise.tracking import describe, reject
from writersroom.screenplay import fountain, io

SHARED = Path(__file__).resolve().parents[3] / "shared"


def script(*scenes: str) -> str:
    return "\n\n".join(scenes) + "\n"


def body(n: int, time: str = "DAY", place: str = "BLOOM HOUSE") -> str:
    return (
        f"INT. {place} - {time}\n\nEdward pours coffee. Sandra reads.\n\n"
        f"EDWARD\nMorning number {n}.\n\nSANDRA\nIt is, Edward."
    )


BASE = [body(n) for n in range(1, 6)]


def kinds(text: str) -> list[tuple[str, int]]:
    return [(f.kind, f.scene) for f in check(fountain.parse(text))]


def test_clean_script_has_no_findings() -> None:
    assert kinds(script(*BASE)) == []


def test_name_spelt_differently_in_a_cue_and_in_action() -> None:
    cue = [*BASE[:3], body(4).replace("EDWARD\n", "EDWRAD\n"), *BASE[4:]]
    assert kinds(script(*cue)) == [("name_spelling", 4)]
    action = [*BASE[:2], body(3).replace("Edward pours", "Edwrad pours"), *BASE[3:]]
    found = check(fountain.parse(script(*action)))
    assert [(f.kind, f.scene) for f in found] == [("name_spelling", 3)]
    assert "Edward" in found[0].message and found[0].id == "F1"


def test_place_spelt_differently_in_one_heading() -> None:
    text = script(*BASE[:2], body(3, place="BLOOM HOSUE"), *BASE[3:])
    assert kinds(text) == [("place_spelling", 3)]


def test_action_against_the_time_of_day() -> None:
    night = body(2, "NIGHT").replace("Sandra reads.", "Sunlight floods the room.")
    assert kinds(script(BASE[0], night, *BASE[2:])) == [("time_of_day", 2)]
    day = [*BASE[:3], body(4).replace("Sandra reads.", "Moonlight on the table."), *BASE[4:]]
    assert kinds(script(*day)) == [("time_of_day", 4)]


def test_the_dead_speak_again() -> None:
    died = body(2).replace("Sandra reads.", "Sandra reads. Edward dies in his chair.")
    found = kinds(script(BASE[0], died, *BASE[2:]))
    assert found == [("dead_character", 3)]


def test_contradicting_facts() -> None:
    aged = BASE[0].replace("Edward pours coffee.", "EDWARD BLOOM (40) pours coffee.")
    older = BASE[2].replace("Edward pours coffee.", "Edward, 45, pours coffee.")
    assert kinds(script(aged, BASE[1], older, *BASE[3:])) == [("fact", 3)]
    wife = BASE[0].replace("Sandra reads.", "Sandra is Edward's wife.")
    sister = BASE[3].replace("Sandra reads.", "Sandra is Edward's sister.")
    assert kinds(script(wife, *BASE[1:3], sister, BASE[4])) == [("fact", 4)]


@pytest.mark.parametrize(
    "change",
    [
        # hypothetical
        lambda s: s.replace("Sandra reads.", "If the lion flinches, Edward is dead."),
        # a time jump between two ages
        lambda s: (
            s.replace("Edward pours coffee.", "EDWARD (40) pours coffee.")
            + "\n\nINT. BLOOM HOUSE - DAY - TWO YEARS LATER\n\nEdward, 42, sits."
        ),
        # YOUNG EDWARD beside EDWARD, and a minor one-scene character
        lambda s: s + "\n\nYOUNG EDWARD\nHi.\n\nEDNA\nHello.",
        # moonlight in a picture
        lambda s: s.replace("Sandra reads.", "A painting of moonlight hangs on the wall."),
    ],
)
def test_quiet_on_what_scripts_mean(change) -> None:
    text = script(BASE[0], change(BASE[1]), *BASE[2:])
    assert kinds(text) == []


def test_quiet_on_the_dead_in_flashbacks_and_voice_over() -> None:
    died = BASE[4].replace("Sandra reads.", "Edward dies in his chair.")
    after = "INT. BLOOM HOUSE - DAY - FLASHBACK\n\nEDWARD\nI remember."
    voice = "EXT. GRAVE - DAY\n\nEDWARD (V.O.)\nAnd that was that."
    assert kinds(script(*BASE[:4], died, after, voice)) == []


def test_fix_proposes_tracked_changes() -> None:
    text = script(*BASE[:2], body(3, place="BLOOM HOSUE"), *BASE[3:])
    doc = fountain.parse(text)
    [finding] = check(doc)
    out = fix(doc, [finding.id], date="2026-12-04")
    [change] = describe(out)
    assert change.op == "set_place" and "BLOOM HOUSE" in change.after
    assert check(out) == [] and reject(out) == doc
    data = to_data(check(doc))["findings"][0]
    assert set(data) == {"id", "kind", "scene", "line", "message", "severity"}
    assert text.split("\n")[data["line"] - 1].startswith("INT. BLOOM HOSUE")


@pytest.mark.skipif(not SHARED.exists(), reason="../shared (real scripts) is not here")
def test_quiet_on_real_scripts() -> None:
    examples = SHARED / "fixtures" / "fountain" / "screenplain" / "examples"
    for name in (
        "Big-Fish.fountain",
        "The-Last-Birthday-Card.fountain",
        "Brick-and-Steel.fountain",
    ):
        assert check(io.load(examples / name)) == [], name
