"""One test per Fountain rule (docs/formats.md §1)."""

from __future__ import annotations

import pytest

from writersroom.screenplay import fountain
from writersroom.screenplay.model import (
    Action,
    Boneyard,
    Dialogue,
    Lyrics,
    Note,
    PageBreak,
    Parenthetical,
    SceneHeading,
    Screenplay,
    Section,
    Synopsis,
    TitleField,
    Transition,
)


def elements(text: str) -> tuple[object, ...]:
    return fountain.parse(text).elements


def round_trips(doc: Screenplay) -> None:
    assert fountain.parse(fountain.render(doc)) == doc


# --- file level ----------------------------------------------------------------------------
def test_bom_crlf_and_cr_are_normalised() -> None:
    plain = elements("INT. HOUSE - DAY\n\nBOB\nHi.\n")
    assert elements("\ufeffINT. HOUSE - DAY\r\n\r\nBOB\r\nHi.\r\n") == plain
    assert elements("INT. HOUSE - DAY\r\rBOB\rHi.\r") == plain


def test_tabs_become_four_spaces_in_action() -> None:
    assert elements("EXT. POOL - DAY\n\nHe reads:\n\tDear John")[1] == Action(
        "He reads:\n    Dear John"
    )


def test_trailing_spaces_are_dropped() -> None:
    assert elements("A line.   \nAnother.  ") == (Action("A line.\nAnother."),)


def test_empty_and_blank_text_give_an_empty_document() -> None:
    assert fountain.parse("") == Screenplay()
    assert fountain.parse("\n \n\n") == Screenplay()


# --- scene headings --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "INT. HOUSE - DAY",
        "EXT HOUSE DAY",
        "INT./EXT. CAR - NIGHT",
        "I/E CAR",
        "EST. CITY",
        "int. house - day",
        "INT/EXT HOUSE",
    ],
)
def test_scene_heading_prefixes(line: str) -> None:
    assert elements(f"{line}\n\nAction.")[0] == SceneHeading(line)


def test_interior_design_is_not_a_heading() -> None:
    assert elements("INTERIOR DESIGN MAGAZINE")[0] == Action("INTERIOR DESIGN MAGAZINE")


def test_forced_scene_heading_drops_the_dot_but_an_ellipsis_is_action() -> None:
    assert elements(".SNIPER SCOPE POV") == (SceneHeading("SNIPER SCOPE POV"),)
    assert elements("...and then") == (Action("...and then"),)


@pytest.mark.parametrize("number", ["1", "1A", "1a", "A1", "I-1-A", "1.", "110A"])
def test_scene_numbers(number: str) -> None:
    assert elements(f"INT. HOUSE - DAY #{number}#") == (SceneHeading("INT. HOUSE - DAY", number),)


def test_scene_number_on_forced_heading() -> None:
    assert elements(".FLASHBACK #7#") == (SceneHeading("FLASHBACK", "7"),)


def test_heading_without_blank_line_after_is_action() -> None:
    assert elements("INT. HOUSE - DAY\nThe house is empty.") == (
        Action("INT. HOUSE - DAY\nThe house is empty."),
    )


# --- action ----------------------------------------------------------------------------------
def test_forced_action_keeps_an_uppercase_pair_as_action() -> None:
    assert elements("!SCANNING THE AISLES...\nWhere is he?") == (
        Action("SCANNING THE AISLES...\nWhere is he?"),
    )


def test_line_breaks_in_action_are_kept() -> None:
    assert elements("One.\nTwo.\n\nThree.") == (Action("One.\nTwo."), Action("Three."))


def test_two_space_line_joins_an_action_paragraph() -> None:
    assert elements("One.\n  \nTwo.") == (Action("One.\n\nTwo."),)


def test_extra_blank_lines_before_action_become_empty_actions() -> None:
    assert elements("One.\n\n\n\nTwo.") == (Action("One."), Action(""), Action("Two."))
    assert elements("One.\n\n\n\nINT. HOUSE - DAY") == (
        Action("One."),
        SceneHeading("INT. HOUSE - DAY"),
    )


def test_centered_text_is_action_and_lines_join() -> None:
    assert elements(">THE END<") == (Action("THE END", centered=True),)
    assert elements("> THE <\n>  END <") == (Action("THE\nEND", centered=True),)


# --- characters and dialogue -----------------------------------------------------------------
def test_character_needs_uppercase_and_a_following_line() -> None:
    assert elements("STEEL\nThe man's a myth!") == (Dialogue("STEEL", ("The man's a myth!",)),)
    assert elements("STEEL\n\nNo dialogue.") == (Action("STEEL"), Action("No dialogue."))


def test_unicode_uppercase_name_is_a_cue() -> None:
    assert elements("ÉTIENNE\nBonjour.") == (Dialogue("ÉTIENNE", ("Bonjour.",)),)


def test_all_numeric_name_is_not_a_cue_but_letters_and_digits_are() -> None:
    assert elements("23\nNo.")[0] == Action("23\nNo.")
    assert elements("R2D2\nBeep.")[0] == Dialogue("R2D2", ("Beep.",))


def test_forced_character_keeps_mixed_case() -> None:
    assert elements("@McCLANE\nYippee.") == (Dialogue("McCLANE", ("Yippee.",)),)
    assert elements("@黒澤\nはい。") == (Dialogue("黒澤", ("はい。",)),)


def test_extensions_and_indentation() -> None:
    assert elements("    STEEL (V.O.) (CONT'D)\n  Again.") == (
        Dialogue("STEEL", ("Again.",), "V.O.) (CONT'D"),
    )
    assert elements("HANS (on the radio)\nNow.")[0] == Dialogue("HANS", ("Now.",), "on the radio")


def test_parentheticals_split_dialogue() -> None:
    assert elements("BOB\n(slowly)\nTrying.\n(loudly)\nAgain?") == (
        Dialogue(
            "BOB", (Parenthetical("(slowly)"), "Trying.", Parenthetical("(loudly)"), "Again?")
        ),
    )


def test_two_space_line_keeps_dialogue_together() -> None:
    assert elements("FISH\nI am\n  \na little fish.") == (
        Dialogue("FISH", ("I am\n\na little fish.",)),
    )


def test_dual_dialogue_marks_the_second_speaker() -> None:
    assert elements("BRICK\nScrew it.\n\nSTEEL ^\nScrew it.") == (
        Dialogue("BRICK", ("Screw it.",)),
        Dialogue("STEEL", ("Screw it.",), dual=True),
    )


# --- other elements --------------------------------------------------------------------------
def test_transitions() -> None:
    assert elements("CUT TO:") == (Transition("CUT TO:"),)
    assert elements("> Burn to White.") == (Transition("Burn to White."),)
    assert elements("CUT TO:  ") == (Action("CUT TO:"),)  # trailing spaces: not a transition
    assert elements("FADE TO BLACK.") == (Action("FADE TO BLACK."),)


def test_lyrics() -> None:
    assert elements("~Willy Wonka!\n~The amazing chocolatier!") == (
        Lyrics("Willy Wonka!\nThe amazing chocolatier!"),
    )


def test_sung_dialogue_keeps_its_tilde() -> None:
    assert elements("SINGER\n~These are the songs") == (
        Dialogue("SINGER", ("~These are the songs",)),
    )


def test_page_break_needs_three_equals() -> None:
    assert elements("One.\n\n===\n\nTwo.") == (Action("One."), PageBreak(), Action("Two."))
    assert elements("=====") == (PageBreak(),)


def test_sections_have_depth_and_synopses_follow() -> None:
    assert elements("# ACT I\n## Sequence\n= Set up.\n\nINT. HOUSE - DAY") == (
        Section("ACT I", 1),
        Section("Sequence", 2),
        Synopsis("Set up."),
        SceneHeading("INT. HOUSE - DAY"),
    )


def test_standalone_note_and_inline_note() -> None:
    assert elements("[[A note\n  over lines.]]") == (Note("A note\n  over lines."),)
    assert elements("He smiles [[why?]].") == (Action("He smiles [[why?]]."),)


def test_boneyard_block_is_an_element_and_inline_boneyard_stays_in_text() -> None:
    assert elements("One.\n\n/* cut\n\nthis */\n\nTwo.") == (
        Action("One."),
        Boneyard(" cut\n\nthis "),
        Action("Two."),
    )
    assert elements("This is an /* internal */ boneyard.") == (
        Action("This is an /* internal */ boneyard."),
    )


def test_boneyard_on_its_own_lines_ends_the_paragraph() -> None:
    assert elements("CUT TO:\n/* gone */\nEXT. POOL - DAY") == (
        Transition("CUT TO:"),
        Boneyard(" gone "),
        SceneHeading("EXT. POOL - DAY"),
    )


def test_unterminated_boneyard_is_text() -> None:
    assert elements("A /* never closed") == (Action("A /* never closed"),)


def test_emphasis_stays_as_markup() -> None:
    assert elements("He is *very* _tired_.") == (Action("He is *very* _tired_."),)


# --- title page ------------------------------------------------------------------------------
def test_title_page_keys_are_case_insensitive_and_values_join() -> None:
    doc = fountain.parse(
        "title: Brick\nCredit: Written by\nAuthors:\n    One\n\tTwo\nDraft date: 1/1\n\nFADE IN:"
    )
    assert doc.title_page == (
        TitleField("title", "Brick"),
        TitleField("Credit", "Written by"),
        TitleField("Authors", "One\nTwo"),
        TitleField("Draft date", "1/1"),
    )
    assert doc.title == "Brick"
    assert doc.elements == (Action("FADE IN:"),)


def test_fade_in_alone_is_not_a_title_page() -> None:
    assert fountain.parse("FADE IN:\n\nINT. HOUSE - DAY") == Screenplay(
        (), (Action("FADE IN:"), SceneHeading("INT. HOUSE - DAY"))
    )


def test_key_line_later_in_the_script_is_action() -> None:
    assert elements("INT. HOUSE - DAY\n\nNote: a line.") == (
        SceneHeading("INT. HOUSE - DAY"),
        Action("Note: a line."),
    )


# --- render ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("element", "text"),
    [
        (Action("BOB\nHello."), "!BOB\nHello."),
        (Action("CUT TO:"), "!CUT TO:"),
        (Action("INT. HOUSE - DAY"), "!INT. HOUSE - DAY"),
        (Dialogue("McCLANE", ("Hi.",)), "@McCLANE\nHi."),
        (Dialogue("BOB", ("Hi.",), "V.O.", dual=True), "BOB (V.O.) ^\nHi."),
        (SceneHeading("SNIPER SCOPE POV", "4"), ".SNIPER SCOPE POV #4#"),
        (Transition("Burn to White."), "> Burn to White."),
        (Action("THE END", centered=True), ">THE END<"),
        (Dialogue("FISH", ("I am\n\na fish.",)), "FISH\nI am\n  \na fish."),
    ],
)
def test_render_forces_only_where_needed(element: object, text: str) -> None:
    doc = Screenplay((), (element,))  # type: ignore[arg-type]
    assert fountain.render(doc) == text + "\n"
    round_trips(doc)


def test_render_keeps_title_page_and_empty_actions() -> None:
    doc = fountain.parse("Title: X\nAuthor: Y\n\n\n\nOne.\n\n\n\n\n\nTwo.")
    assert doc.elements == (Action(""), Action("One."), Action(""), Action(""), Action("Two."))
    round_trips(doc)


def test_title_like_first_action_is_forced() -> None:
    doc = Screenplay((), (Action("Note: this\nAuthor: that"),))
    assert fountain.render(doc).startswith("!")
    round_trips(doc)


def test_thousands_of_alternating_claimed_lines_parse() -> None:
    text = "\n".join(["# part", "~sung", "==="] * 3000)
    doc = fountain.parse(text)
    assert len(doc.elements) == 9000
    round_trips(doc)
