"""Every grammar the story steps build is accepted by llama.cpp (the bundled model's vocabulary),
including names with quotes and a lone speaker."""

from writersroom.story import beats, characters, locations, scenes, title
from writersroom.story.draft import continue_request, scene_request
from writersroom.story.structures import get_structure
from writersroom.story.types import Beat, Character, Location, Logline, SceneDraft, Title


def test_llama_cpp_accepts_every_step_grammar(default_backend):
    from test_draft import ctx  # a scene context with two characters

    log = Logline(text="A keeper guides a ship.")
    cast = (Character(name="Maya Torres"), Character(name='Jo "Ace" Park'))
    beats_ = (Beat(number=1, name="Start", summary="Maya lights the lamp."),)
    places = (Location(name="LIGHTHOUSE"), Location(name="O'NEIL'S BAR", setting="EXT"))
    plan = scenes.PlanContext(1, 1, log, Title(text="T"), cast, beats_, places)
    lone = ctx(1)
    lone = type(lone)(**{**lone.__dict__, "characters": lone.characters[:1]})
    grammars = [
        title.title_request(log).grammar,
        characters.cast_request(log, None, count=5).grammar,
        beats.beats_request(log, cast, get_structure("save-the-cat")).grammar,
        locations.locations_request(log, beats_, count=3).grammar,
        scenes.outline_request(plan).grammar,
        scene_request(ctx(1)).grammar,
        scene_request(lone).grammar,
        continue_request(ctx(1), SceneDraft(number=1)).grammar,
    ]
    for grammar in grammars:
        assert default_backend.engine.check_grammar(grammar), grammar
    assert 'title ::= tword (" " (small " ")? tword){0,3}' in grammars[0]
