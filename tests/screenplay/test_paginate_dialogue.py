"""Dialogue across pages (MORE / CONT'D, Final Draft's split rules), automatic continueds and
dual dialogue, on hand-built scenes.

`lead(y)` builds filler after which a speech's cue lands on body line y (one blank line before
it); a page has body lines 0..53, so a cue on line 49 leaves the speech 5 lines.
"""

from __future__ import annotations

from writersroom.screenplay.layout import PageLayout
from writersroom.screenplay.model import (
    Action,
    Dialogue,
    Parenthetical,
    SceneHeading,
    Screenplay,
)
from writersroom.screenplay.paginate import Page, paginate
from writersroom.screenplay.typeset import wrap


def lead(y: int) -> list[Action]:
    """Filler after which a block with one blank line before it starts on line y."""
    if y % 2 == 0:
        return [Action(f"Filler {i}.") for i in range(y // 2)]
    two = Action("A first paragraph that is long enough to wrap onto a second line of the column.")
    assert len(wrap(two.text, 61)) == 2
    return [two, *(Action(f"Filler {i}.") for i in range((y - 3) // 2))]


def speech_pages(speech: Dialogue, cue_y: int, *after) -> list[Page]:
    return paginate(Screenplay(elements=(*lead(cue_y), speech, *after)))


def said(page: Page, element: int) -> list[tuple[int, str, str]]:
    return [
        (ln.y, ln.kind, ln.text)
        for ln in page.lines
        if ln.element == element and ln.kind != "page_number"
    ]


def target(cue_y: int) -> int:
    return len(lead(cue_y))  # element index of the speech


def test_split_speech_gets_more_and_a_continued_cue():
    text = (
        "I waited by the river all night. The water kept rising. Nobody came for me. "
        "At dawn a boat drifted past with nobody in it. I knew then it was over. "
        "I walked home along the tracks."
    )
    assert len(wrap(text, 35)) == 6
    speech = Dialogue("MAYA", (text,), extension="V.O.")
    pages = speech_pages(speech, 49)
    top, bottom = said(pages[0], target(49)), said(pages[1], target(49))
    assert top[0] == (49, "character", "MAYA (V.O.)")
    more = top[-1]
    assert more[1:] == ("more", "(MORE)") and more[0] == top[-2][0] + 1
    assert [ln.x for ln in pages[0].lines if ln.kind == "more"] == [3.5]
    assert bottom[0] == (-1, "contd", "MAYA (V.O.) (CONT'D)")  # above the body
    assert bottom[1][0] == 0 and bottom[1][1] == "dialogue"
    assert top[-2][2].endswith(".")  # after a sentence
    spoken = [t for _, kind, t in top + bottom if kind == "dialogue"]
    assert " ".join(spoken).split() == text.split()
    assert len([1 for _, k, _ in top if k == "dialogue"]) >= 2
    assert len([1 for _, k, _ in bottom if k == "dialogue"]) >= 2


def test_a_cue_is_never_left_alone():
    speech = Dialogue(
        "MAYA", ("I waited. The water rose. Nobody came. The boat was empty. It was over.",)
    )
    pages = speech_pages(speech, 52)  # room for the cue and one line only
    assert said(pages[0], target(52)) == []
    assert said(pages[1], target(52))[0] == (0, "character", "MAYA")


def test_the_rest_is_counted_on_the_unsplit_wrapping():
    # "Keep it.  Then a second sentence / that runs on.  And the last one / here."
    # Splitting after "runs on." would leave one line of the original wrapping: not allowed;
    # splitting after "Keep it." would leave one line on top: not allowed. It moves whole.
    speech = Dialogue(
        "MAYA", ("Keep it.  Then a second sentence that runs on.  And the last one here.",)
    )
    pages = speech_pages(speech, 51)  # cue + 2 lines of room
    assert said(pages[0], target(51)) == []
    assert [k for _, k, _ in said(pages[1], target(51))] == ["character"] + ["dialogue"] * 3


def test_a_two_line_part_is_never_split_inside():
    speech = Dialogue(
        "MAYA",
        (Parenthetical("(beat)"), "Nobody listened to a single word I said.  Not one of them."),
    )
    pages = speech_pages(speech, 51)  # cue + paren + one line would fit
    assert said(pages[0], target(51)) == []


def test_split_between_parts_may_end_on_a_parenthetical():
    speech = Dialogue(
        "MAYA",
        (
            "Line one is short.",
            Parenthetical("(she shrugs)"),
            "I told you so.  You never listen to me, not once.",
        ),
    )
    pages = speech_pages(speech, 50)  # cue + 3 lines of room
    top = said(pages[0], target(50))
    assert [k for _, k, _ in top] == ["character", "dialogue", "parenthetical", "more"]
    bottom = said(pages[1], target(50))
    assert bottom[0] == (-1, "contd", "MAYA (CONT'D)")
    assert [t for _, _, t in bottom[1:]] == ["I told you so.  You never listen to", "me, not once."]


def test_a_sentence_break_beats_a_part_break_and_the_fuller_top_wins():
    speech = Dialogue(
        "MAYA",
        (
            "Line one is short.",
            Parenthetical("(she shrugs)"),
            "Short one. Short two here. Absolutely nothing else is left to say about it now.",
        ),
    )
    pages = speech_pages(speech, 50)  # cue + 3 lines of room
    top = said(pages[0], target(50))
    assert top[-2] == (53, "dialogue", "Short one. Short two here.")
    assert said(pages[1], target(50))[1][2].startswith("Absolutely")


def test_the_earlier_sentence_wins_when_the_later_leaves_too_little():
    # "I tried.  Nobody listened to a / single word I said.  Not one of / them."
    speech = Dialogue(
        "MAYA",
        (
            "Line one is short.",
            Parenthetical("(she shrugs)"),
            "I tried.  Nobody listened to a single word I said.  Not one of them.",
        ),
    )
    pages = speech_pages(speech, 49)  # cue + 4: "said." would fill the page
    top = said(pages[0], target(49))
    assert top[-2] == (52, "dialogue", "I tried.")
    assert top[-1] == (53, "more", "(MORE)")
    assert [t for _, k, t in said(pages[1], target(49)) if k == "dialogue"] == [
        "Nobody listened to a single word I",
        "said.  Not one of them.",
    ]


def test_a_speech_longer_than_a_page_runs_over_several():
    text = " ".join(f"This is sentence number {i} of the speech." for i in range(90))
    pages = paginate(Screenplay(elements=(Dialogue("MAYA", (text,)),)))
    assert len(pages) >= 3
    for page in pages[:-1]:
        assert [ln.text for ln in page.lines if ln.kind == "more"] == ["(MORE)"]
    for page in pages[1:]:
        assert [ln.text for ln in page.lines if ln.y == -1] == ["MAYA (CONT'D)"]
    spoken = [ln.text for page in pages for ln in page.lines if ln.kind == "dialogue"]
    assert " ".join(spoken).split() == text.split()


def cues(*elements, layout=None) -> list[str]:
    pages = paginate(Screenplay(elements=elements), layout)
    return [ln.text for p in pages for ln in p.lines if ln.kind == "character" and ln.y >= 0]


def test_automatic_contd_when_a_speaker_resumes_in_the_scene():
    maya, ben = Dialogue("MAYA", ("Hi.",)), Dialogue("BEN", ("Hey.",))
    assert cues(SceneHeading("INT. A - DAY"), maya, Action("She waits."), maya) == [
        "MAYA",
        "MAYA (CONT'D)",
    ]
    assert cues(maya, maya) == ["MAYA", "MAYA (CONT'D)"]
    assert cues(maya, ben, maya) == ["MAYA", "BEN", "MAYA"]
    assert cues(maya, SceneHeading("INT. B - DAY"), maya) == ["MAYA", "MAYA"]
    off = PageLayout(automatic_contd=False)
    assert cues(maya, Action("x."), maya, layout=off) == ["MAYA", "MAYA"]
    os_cue = Dialogue("MAYA", ("Hi.",), extension="O.S.")
    assert cues(maya, Action("x."), os_cue) == ["MAYA", "MAYA (O.S.) (CONT'D)"]
    explicit = Dialogue("MAYA", ("Hi.",), extension="CONT'D")
    assert cues(maya, explicit) == ["MAYA", "MAYA (CONT'D)"]


def test_no_automatic_contd_next_to_a_voice_over():
    maya, vo = Dialogue("MAYA", ("Hi.",)), Dialogue("MAYA", ("Hi.",), extension="V.O.")
    assert cues(vo, Action("x."), vo) == ["MAYA (V.O.)", "MAYA (V.O.)"]
    assert cues(maya, Action("x."), vo, Action("y."), maya) == ["MAYA", "MAYA (V.O.)", "MAYA"]


def test_dual_dialogue_side_by_side():
    pair = (
        Dialogue("BRICK", ("Screw retirement.",)),
        Dialogue("STEEL", (Parenthetical("(raising a glass)"), "Screw retirement."), dual=True),
    )
    page = paginate(
        Screenplay(elements=(Action("They look at each other."), *pair, Action("They drink.")))
    )[0]
    placed = [(ln.y, round(ln.x, 3), ln.text) for ln in page.lines]
    assert (2, round((1.5 + 4.375) / 2 - 0.25, 3), "BRICK") in placed
    assert (2, round((4.625 + 7.5) / 2 - 0.25, 3), "STEEL") in placed
    assert (3, 1.5, "Screw retirement.") in placed
    assert (3, 4.875, "(raising a glass)") in placed
    assert (4, 4.625, "Screw retirement.") in placed
    assert (6, 1.5, "They drink.") in placed  # after the taller column


def test_dual_dialogue_moves_whole_and_continueds_carry_through_it():
    pair = (Dialogue("BRICK", ("One.", "Two.", "Three.")), Dialogue("STEEL", ("One.",), dual=True))
    pages = paginate(Screenplay(elements=(*lead(51), *pair)))  # 3 lines left, 4 needed
    assert not [ln for ln in pages[0].lines if ln.text in ("BRICK", "STEEL")]
    assert {ln.text for ln in pages[1].lines if ln.y == 0} == {"BRICK", "STEEL"}
    brick = Dialogue("BRICK", ("Hi.",))
    assert cues(brick, Action("x."), *pair, Action("y."), brick) == [
        "BRICK",
        "BRICK (CONT'D)",
        "STEEL",
        "BRICK (CONT'D)",
    ]


def test_sung_lines_are_italic():
    page = paginate(
        Screenplay(elements=(Dialogue("PING", ("~Twice the love,\n~Twice the fun", "Spoken.")),))
    )[0]
    sung = [ln for ln in page.lines if ln.kind == "lyrics"]
    assert [ln.text for ln in sung] == ["Twice the love,", "Twice the fun"]
    assert all(r.italic for ln in sung for r in ln.runs)
    (spoken,) = [ln for ln in page.lines if ln.kind == "dialogue"]
    assert not spoken.runs[0].italic
