"""Scene numbers, unlocked and locked (Final Draft's A-scenes)."""

from __future__ import annotations

from writersroom.screenplay import fdx, fountain
from writersroom.screenplay.model import Action, SceneHeading, Screenplay
from writersroom.screenplay.numbering import number_after, number_scenes, scene_key


def numbers(doc: Screenplay) -> list[str | None]:
    return [e.number for e in doc.elements if isinstance(e, SceneHeading)]


def doc_of(*nums: str | None) -> Screenplay:
    return Screenplay(elements=tuple(SceneHeading(f"INT. S{k}", n) for k, n in enumerate(nums)))


def test_unlocked_numbers_run_in_order() -> None:
    assert numbers(number_scenes(doc_of("4", None, "9A"))) == ["1", "2", "3"]


def test_locked_numbers_stay_and_new_scenes_take_letters() -> None:
    assert numbers(number_scenes(doc_of("12", None, None, "13"), locked=True)) == [
        "12",
        "12A",
        "12B",
        "13",
    ]
    assert numbers(number_scenes(doc_of(None, None, "1", "2"), locked=True)) == [
        "A1",
        "B1",
        "1",
        "2",
    ]
    assert numbers(number_scenes(doc_of("12A", None, "12B"), locked=True)) == [
        "12A",
        "12AA",
        "12B",
    ]
    assert numbers(number_scenes(doc_of("12", None, "12A"), locked=True)) == ["12", "A12A", "12A"]
    assert numbers(number_scenes(doc_of("3", None), locked=True)) == ["3", "3A"]
    assert numbers(number_scenes(doc_of(None, None), locked=True)) == ["1", "2"]


def test_an_omitted_scene_keeps_its_number() -> None:
    doc = Screenplay(
        elements=(
            SceneHeading("INT. A", "1"),
            SceneHeading("OMITTED", "2"),
            SceneHeading("INT. NEW"),
            SceneHeading("INT. C", "3"),
        )
    )
    assert numbers(number_scenes(doc, locked=True)) == ["1", "2", "2A", "3"]


def test_the_order_of_numbers() -> None:
    order = ["A1", "B1", "1", "1A", "1AA", "1B", "2", "10"]
    assert sorted(order, key=scene_key) == order
    assert number_after("12Z", None, set()) == "12ZA"
    assert number_after("12A", "13", {"12B"}) == "12AA"


def test_locked_numbers_survive_fountain_and_fdx() -> None:
    doc = number_scenes(
        Screenplay(elements=(SceneHeading("INT. A", "7"), Action("x"), SceneHeading("INT. NEW"))),
        locked=True,
    )
    assert numbers(fountain.parse(fountain.render(doc))) == ["7", "7A"]
    assert numbers(fdx.parse(fdx.render(doc))) == ["7", "7A"]
