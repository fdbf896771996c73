import pytest
from hypothesis import given
from hypothesis import strategies as st

from writersroom.errors import ProjectError
from writersroom.story.structures import STRUCTURES, beats_for_scene, get_structure


@pytest.mark.parametrize(
    ("name", "count"),
    [("three-act", 8), ("save-the-cat", 15), ("heros-journey", 12), ("freytag", 7)],
)
def test_builtin_structures(name, count):
    structure = get_structure(name)
    assert len(structure.slots) == count
    assert len({s.name for s in structure.slots}) == count
    assert all(s.guide for s in structure.slots)


def test_aliases_custom_and_file(tmp_path):
    assert get_structure("Save the Cat") is STRUCTURES["save-the-cat"]
    custom = get_structure("custom:Setup, Twist ,Payoff")
    assert [s.name for s in custom.slots] == ["Setup", "Twist", "Payoff"]
    path = tmp_path / "beats.txt"
    path.write_text("Hook: grab them\n\nTurn: flip it\n", encoding="utf-8")
    assert [(s.name, s.guide) for s in get_structure(str(path)).slots] == [
        ("Hook", "grab them"),
        ("Turn", "flip it"),
    ]


def test_unknown_structure_lists_the_choices():
    with pytest.raises(ProjectError, match="three-act"):
        get_structure("five-act")
    with pytest.raises(ProjectError, match="names no beats"):
        get_structure("custom: , ")


@given(st.integers(1, 40), st.integers(1, 20))
def test_every_beat_is_dramatized_in_order(scenes, beats):
    covered = [beats_for_scene(n, scenes, beats) for n in range(1, scenes + 1)]
    flat = [b for group in covered for b in group]
    assert sorted(set(flat)) == list(range(1, beats + 1))
    assert flat == sorted(flat)
    assert all(group for group in covered)
