"""PageLayout: Final Draft 11's geometry as a profile, US Letter and A4."""

from __future__ import annotations

import dataclasses

import pytest

from writersroom.screenplay.layout import PageLayout


def test_letter_defaults_are_final_drafts():
    layout = PageLayout()
    assert layout.page_size == (8.5, 11.0)
    assert layout.body_lines == 54
    assert (layout.font_size, layout.cpi, layout.lpi) == (12.0, 10.0, 6.0)
    assert (layout.action.left, layout.action.right, layout.action.cells) == (1.5, 7.5, 61)
    assert (layout.character.left, layout.dialogue.left, layout.dialogue.cells) == (3.5, 2.5, 35)
    assert (layout.parenthetical.left, layout.paren_hang) == (3.0, 0.1)
    assert layout.transition.align == "right" and layout.transition.right == 7.1
    assert layout.scene_heading.space_before == 2 and layout.action.space_before == 1
    assert layout.dialogue.space_before == 0 and layout.parenthetical.space_before == 0
    assert (layout.more, layout.contd) == ("(MORE)", "(CONT'D)")
    assert (layout.scene_number_left, layout.scene_number_right) == (0.75, 7.38)


def test_a4_keeps_the_columns_and_gains_lines():
    a4 = PageLayout.a4()
    assert a4.page_size == (8.27, 11.69)
    assert a4.body_lines == 58  # 9.69 in between 1 in margins at 6 lpi
    assert a4.action == PageLayout().action
    assert PageLayout.a4(lines_per_page=57).body_lines == 57


def test_lines_per_page_is_configurable():
    assert PageLayout(lines_per_page=55).body_lines == 55
    assert PageLayout(bottom_margin=0.5).body_lines == 57


def test_grid_helpers():
    layout = PageLayout()
    assert layout.cell == pytest.approx(0.1)
    assert layout.line_height == pytest.approx(1 / 6)
    assert layout.line_top(0) == pytest.approx(1.0)
    assert layout.line_top(53) == pytest.approx(1.0 + 53 / 6)
    assert layout.line_top(-3) == pytest.approx(0.5)  # where the page number goes


def test_unknown_paper_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown paper 'legal'"):
        _ = PageLayout(paper="legal").page_size


def test_layout_is_a_frozen_record():
    layout = PageLayout()
    with pytest.raises(dataclasses.FrozenInstanceError):
        layout.paper = "a4"  # type: ignore[misc]
    assert dataclasses.replace(layout, scene_numbers="both") != layout
    assert hash(PageLayout()) == hash(PageLayout())
