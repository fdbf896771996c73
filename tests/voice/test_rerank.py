"""Best-of-N by voice: the profile picks the candidate line that sounds like its speaker."""

from pathlib import Path

from writersroom.llm.fake import FakeBackend
from writersroom.voice.cast import load_voices
from writersroom.voice.dialogue import Spec, write_dialogue
from writersroom.voice.rerank import best_line, fit, margin

HARBOUR = Path(__file__).parent / "fixtures" / "harbour.fountain"


def test_the_line_in_the_speakers_voice_wins():
    cast = load_voices(HARBOUR)
    jeeves = cast.get("JEEVES")
    assert jeeves is not None and jeeves.examples
    own = jeeves.examples[0]
    other = cast.get("MILO").examples[0]
    assert margin(own, "JEEVES", cast) > margin(other, "JEEVES", cast)
    assert best_line([other, own], "JEEVES", cast) == 1
    assert fit("", jeeves) == 0.0 and margin("x", "NOBODY", cast) == 0.0


def test_actors_draw_takes_and_keep_the_best_fitting_one():
    cast = load_voices(HARBOUR)
    own, other = cast.get("JEEVES").examples[0], cast.get("MILO").examples[0]
    fake = FakeBackend([other, own])
    spec = Spec.make(cast, ["JEEVES"], "The storm.", lines=1, seed=1, candidates=2)
    exchange = write_dialogue(spec, fake, strategy="actors")
    assert len(fake.requests) == 2 and len({r.seed for r in fake.requests}) == 2
    assert exchange.turns[0].text == " ".join(own.split())
    baseline = Spec.make(cast, ["JEEVES"], "x", lines=1, voiced=False, candidates=4)
    fake = FakeBackend(["Fine."])
    write_dialogue(baseline, fake, strategy="actors")
    assert len(fake.requests) == 1  # no profile, nothing to rerank by
