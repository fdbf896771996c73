"""Each step: its request (prompt + grammar) and its pure parser, on recorded model outputs."""

import pytest

from writersroom.errors import GenerationError
from writersroom.story import beats, characters, locations, scenes, title
from writersroom.story.structures import get_structure
from writersroom.story.types import Beat, Character, Location, Logline, Title

LOG = Logline(text="A retired lighthouse keeper must guide a lost ship to shore.", genre="drama")
# Recorded from the bundled SmolLM2-135M model (seeded), in the form the grammar enforces.
CAST_135M = (
    "Name: Emily Carter\nRole: protagonist\nWants: to save a shipwreck that took 40 years to "
    "repair\nNeeds: to know what made the captain's ship a lost wreck\nFlaw: believes she can "
    "save a ship, but only by a team of 4\nBackstory: was a sailor with a crew that lost the only "
    "ship they had ever sailed before\nTalks: gentle and polite, with a warm smile\nArc: from her "
    "ship's captain's ship to the crew's ship's captain's ship\n\nName: Jasper\nRole: antagonist\n"
    "Wants: to protect his people from a dying society\nNeeds: to protect his people from his own "
    "people\nFlaw: believes he can protect his people from his own people\nBackstory: had to save "
    "his people from a dying society\nTalks: gentle and polite, with a warm smile\nArc: from his "
    "people's people to his own people's people"
)
CAST = (
    Character(name="Maya Torres", role="protagonist", want="to keep the light"),
    Character(name="Elias Crane", role="antagonist", want="to close the lighthouse"),
)
PLACES = (
    Location(name="LIGHTHOUSE", setting="INT", description="a tall tower"),
    Location(name="HARBOR", setting="EXT", description="a stone pier"),
)


def test_title_request_and_parse():
    request = title.title_request(LOG, seed=3)
    assert request.seed == 3 and request.grammar and "root ::= r0" in request.grammar
    assert LOG.text in request.messages[-1].content
    assert title.parse_title("Title: The Great Unsolved Mystery") == Title(
        text="The Great Unsolved Mystery"
    )
    assert title.parse_title('Title: "Last Light."').text == "Last Light"


@pytest.mark.parametrize("bad", ["Title: ", "Title: Sugar and Nerve", "Title: 12345"])
def test_title_rejects_empty_example_and_numeric(bad):
    with pytest.raises(GenerationError) as info:
        title.parse_title(bad)
    assert info.value.step == "title" and info.value.text == bad


def test_cast_request_fixes_roles_in_order():
    request = characters.cast_request(LOG, Title(text="Last Light"), count=3, seed=1)
    assert '"\\nRole: " "protagonist"' in request.grammar
    assert '"\\nRole: " "ally"' in request.grammar
    assert "protagonist, antagonist, ally" in request.messages[-1].content


def test_parse_cast_on_recorded_135m_output():
    cast = characters.parse_cast(CAST_135M, count=2)
    assert [(c.name, c.cue, c.role) for c in cast] == [
        ("Emily Carter", "EMILY CARTER", "protagonist"),
        ("Jasper", "JASPER", "antagonist"),
    ]
    assert cast[0].voice == "gentle and polite, with a warm smile"
    assert cast[1].need.startswith("to protect his people")


def test_parse_cast_drops_example_placeholder_and_duplicate_names():
    text = (
        "Name: Rosa Delgado\nRole: ally\n\nName: The Lost\nRole: ally\n\n"
        "Name: Maya Torres\nRole: ally\n\nName: Maya Lin\nRole: ally"
    )
    assert [c.name for c in characters.parse_cast(text)] == ["Maya Torres"]
    with pytest.raises(GenerationError, match="1 usable characters, wanted 3"):
        characters.parse_cast(text, count=3)


def test_parse_cast_drops_doubled_names_and_shared_name_words():
    text = (
        "Name: Elena Elena\nRole: protagonist\n\nName: Javier Ramirez\nRole: ally\n\n"
        "Name: Javier Ramirez\nRole: rival\n\nName: Elazarus Ramirez\nRole: mentor\n\n"
        "Name: Nora Vance\nRole: mentor"
    )
    assert [c.name for c in characters.parse_cast(text)] == ["Javier Ramirez", "Nora Vance"]


def test_beats_one_per_slot_in_order():
    structure = get_structure("custom:Beginning,Middle,End")
    text = (
        "End: The ship docks at dawn.\nBeginning: Maya lights the lamp alone.\n"
        "Middle: The storm knocks out the power."
    )
    parsed = beats.parse_beats(text, structure)
    assert [(b.number, b.name) for b in parsed] == [(1, "Beginning"), (2, "Middle"), (3, "End")]
    assert parsed[0].summary == "Maya lights the lamp alone."
    request = beats.beats_request(LOG, CAST, structure, seed=2)
    assert '"Beginning: " sentence "\\nMiddle: " sentence "\\nEnd: " sentence' in request.grammar


@pytest.mark.parametrize(
    "text",
    [
        "Beginning: Maya lights the lamp.\nMiddle: Maya lights the lamp.\nEnd: The ship docks.",
        "Beginning: Maya lights the lamp.\nEnd: The ship docks.",
    ],
)
def test_beats_reject_repeats_and_gaps(text):
    with pytest.raises(GenerationError):
        beats.parse_beats(text, get_structure("custom:Beginning,Middle,End"))


def test_locations_normalized_and_deduplicated():
    text = (
        "Place: the LIGHTHOUSE\nSide: INT\nLooks: a tall tower\n\n"
        "Place: LIGHTHOUSE\nSide: EXT\nLooks: again\n\nPlace: TV STUDIO\nSide: INT\n\n"
        "Place: Harbor Front\nSide: EXT\nLooks: wet stones"
    )
    found = locations.parse_locations(text, minimum=2)
    assert [(x.name, x.setting) for x in found] == [
        ("THE LIGHTHOUSE", "INT"),
        ("LIGHTHOUSE", "EXT"),
        ("HARBOR FRONT", "EXT"),
    ]
    with pytest.raises(GenerationError):
        locations.parse_locations("Place: TV STUDIO\nSide: INT", minimum=1)


def test_each_scene_is_held_to_an_unused_place_and_its_share_of_the_cast():
    first, second, third = (scenes.outline_grammar(_plan_ctx(n)) for n in (1, 2, 3))
    assert 'r0 ::= "Place: " ("LIGHTHOUSE")' in first  # every planned place is used
    assert 'r0 ::= "Place: " ("HARBOR")' in second
    assert 'who ::= "MAYA TORRES" (", " cue){0,1}' in first  # every character appears
    assert 'who ::= "ELIAS CRANE" (", " cue){0,1}' in second
    assert 'who ::= cue (", " cue){0,1}' in third


def _plan_ctx(number=2):
    beats_ = tuple(Beat(number=i, name=f"B{i}", summary=f"Beat {i} happens.") for i in (1, 2, 3))
    return scenes.PlanContext(number, 3, LOG, Title(text="Last Light"), CAST, beats_, PLACES)


def test_outline_grammar_limits_place_time_and_cast():
    request = scenes.outline_request(_plan_ctx(3), seed=5)  # past the places: a free choice
    assert '("LIGHTHOUSE" | "HARBOR")' in request.grammar
    assert 'cue ::= ("MAYA TORRES" | "ELIAS CRANE")' in request.grammar
    assert "Plan scene 3 of 3." in request.messages[-1].content
    assert "Beat 3 happens." in request.messages[-1].content


def test_parse_outline_takes_setting_from_location():
    text = (
        "Place: HARBOR\nTime: NIGHT\nWho: MAYA TORRES, MAYA TORRES, ELIAS CRANE\n"
        "What happens: Maya drags Elias to the pier to watch the lost ship.\nPurpose: stakes"
    )
    outline = scenes.parse_outline(text, _plan_ctx())
    assert outline.heading == "EXT. HARBOR - NIGHT"
    assert outline.characters == ("MAYA TORRES", "ELIAS CRANE")
    assert outline.beats == (2,)


@pytest.mark.parametrize(
    "text",
    [
        "Place: MOON\nTime: DAY\nWho: MAYA TORRES\nWhat happens: Maya goes somewhere far away.",
        "Place: HARBOR\nTime: DAY\nWho: NOBODY\nWhat happens: Maya goes somewhere far away.",
        "Place: HARBOR\nTime: DAY\nWho: MAYA TORRES\nWhat happens: Nina bursts in waving a contest "
        "flyer.",
    ],
)
def test_parse_outline_rejects_unknown_place_cast_or_copied_example(text):
    with pytest.raises(GenerationError):
        scenes.parse_outline(text, _plan_ctx())
