from writersroom.llm.fake import FakeBackend
from writersroom.story.draft import SceneContext, continue_scene, draft_many, scene_request
from writersroom.story.scenetext import parse_scene_text
from writersroom.story.types import (
    Character,
    Location,
    Logline,
    SceneDraft,
    SceneOutline,
    Title,
)

CAST = (
    Character(
        name="Maya Torres", role="protagonist", want="to keep the light", voice="dry and short"
    ),
    Character(name="Elias Crane", role="antagonist", want="to close it"),
)
GOOD = (
    "Maya climbs the stairs with a lamp in her hand.\n\nMAYA TORRES\n(tired)\n"
    "Take {n}: the ship needs the light.\n\nELIAS CRANE\nThen it can wait for dawn, take {n}."
)
META = "Sure, here is the scene.\n\nMAYA TORRES\nHello there, friend {n}."


def ctx(number: int, previous: tuple[str, ...] = ()) -> SceneContext:
    outline = SceneOutline(
        number=number,
        location="LIGHTHOUSE",
        time="NIGHT",
        characters=("MAYA TORRES", "ELIAS CRANE"),
        summary=f"Maya and Elias argue about the lamp {number}.",
        purpose="sets up the conflict",
    )
    return SceneContext(
        outline=outline,
        logline=Logline(text="A keeper guides a ship."),
        title=Title(text="Last Light"),
        characters=CAST,
        cast=("MAYA TORRES", "ELIAS CRANE"),
        location=Location(name="LIGHTHOUSE", description="a tall white tower"),
        earlier=(outline.model_copy(update={"number": 1, "summary": "Maya finds a radio."}),),
        beat="The storm begins.",
        previous=previous,
    )


def test_scene_prompt_carries_bible_beat_earlier_scenes_and_previous_lines():
    request = scene_request(ctx(2, previous=("ELIAS CRANE: Go to bed.",)), seed=4)
    user = request.messages[-1].content
    for expected in (
        "Last Light",
        "MAYA TORRES, protagonist: wants to keep the light; talks dry",
        "a tall white tower",
        "(1) Maya finds a radio.",
        "ELIAS CRANE: Go to bed.",
        "INT. LIGHTHOUSE - NIGHT",
        "argue about the lamp 2",
        "sets up the conflict",
    ):
        assert expected in user
    assert 'line0 ::= "MAYA TORRES"' in request.grammar
    assert 'line1 ::= "ELIAS CRANE"' in request.grammar
    assert request.seed == 4
    # the worked example stays in the prompt as an earlier turn
    assert request.messages[-2].role == "assistant"


def test_failing_scenes_are_redrafted_with_new_seeds_and_good_ones_kept():
    def reply(request):
        scene = int(request.messages[-1].content.split("argue about the lamp ")[1][0])
        bad = scene == 2 and request.seed < 2
        return (META if bad else GOOD).format(n=request.seed)

    backend = FakeBackend(reply=reply)
    takes = draft_many([ctx(1), ctx(2)], backend, seed=lambda c, n: n, retries=2)
    assert sorted(r.seed for r in backend.requests) == [0, 0, 1, 2]  # only scene 2 was redone
    assert takes[1].issues == () and takes[1].attempts == 1
    assert takes[2].issues == () and takes[2].attempts == 3
    assert "meta_commentary" in takes[2].rejected
    assert "Take 2:" in takes[2].text


def test_repair_when_every_take_fails_and_best_of_n_uses_the_scorer():
    backend = FakeBackend(reply=lambda r: META.format(n=r.seed) + "\n\n" + GOOD.format(n=r.seed))
    takes = draft_many(
        [ctx(1)],
        backend,
        seed=lambda c, n: n,
        retries=1,
        takes=3,
        scorer=lambda texts, premise: [float(t.count("Take 4")) for t in texts],
    )
    take = takes[1]
    assert len(backend.requests) == 6
    assert take.repaired and take.issues == ()
    assert "Take 4" in take.text  # the scorer's favourite among equally flawed takes
    assert not any("Sure" in getattr(b, "text", "") for b in take.draft.blocks)


def test_continue_appends_blocks():
    draft = SceneDraft(number=1, blocks=tuple(parse_scene_text(GOOD.format(n=1))))
    backend = FakeBackend(["ELIAS CRANE\nFine. One more hour.\n\nMaya smiles at the sea."])
    take = continue_scene(ctx(1), draft, backend, seed=9)
    assert take.draft.blocks[: len(draft.blocks)] == draft.blocks
    assert len(take.draft.blocks) == len(draft.blocks) + 2
    assert backend.requests[0].grammar.startswith("root ::= turn")
    assert "Then it can wait for dawn" in backend.requests[0].messages[-1].content


def test_scenes_of_one_wave_may_not_repeat_each_other():
    shared = "The storm bends every tree on the cliff toward the sea."

    def reply(request):
        first = shared if request.seed == 0 else f"The rain hammers the glass, take {request.seed}."
        return first + "\n\n" + GOOD.format(n=request.seed).split("\n\n", 1)[1]

    backend = FakeBackend(reply=reply)
    takes = draft_many([ctx(1), ctx(2)], backend, seed=lambda c, n: n * 10)
    texts = [" ".join(t.draft.blocks[0].text.split()) for t in (takes[1], takes[2])]
    assert texts[0] == shared and texts[1] != shared
    assert takes[2].attempts == 2 and takes[2].issues == ()
