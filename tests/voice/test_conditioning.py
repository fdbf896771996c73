"""`--style` outside `dialogue`: the style's habits and nearest reference passages reach story
scene drafting and revise rewrites (scripted models; the real model in test_voice_e2e_real.py)."""

import importlib.util
import shutil
from pathlib import Path

import pytest

from writersroom import story
from writersroom.llm.base import Message, Request
from writersroom.llm.fake import FakeBackend
from writersroom.revise import revise
from writersroom.screenplay import fountain
from writersroom.story.project import Project
from writersroom.voice.conditioning import reference_pages, styled_request
from writersroom.voice.style import learn_style

HARBOUR = Path(__file__).parent / "fixtures" / "harbour.fountain"
RAIN = Path(__file__).parents[1] / "revise" / "rain.fountain"
MARK = "Reference pages (imitate their style):"


def story_fake():
    path = Path(__file__).parents[1] / "story" / "fakestory.py"
    spec = importlib.util.spec_from_file_location("fakestory", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.StoryFake()


@pytest.fixture(scope="module")
def harbour_style():
    return learn_style([HARBOUR], name="harbour")


def test_styled_request_adds_habits_and_the_nearest_passages(harbour_style):
    request = Request(
        messages=(Message("system", "You write."), Message("user", "ex"), Message("user", "Ask.")),
        grammar="root ::= [a-z]+",
        seed=3,
    )
    out = styled_request(request, harbour_style, query="the storm and the ferry")
    assert out.messages[0].content.startswith("You write.\nWrite in the style of the reference")
    assert out.messages[1] == request.messages[1]  # only the last ask gets the pages
    assert out.messages[2].content.startswith(MARK) and out.messages[2].content.endswith("Ask.")
    assert (out.grammar, out.seed) == (request.grammar, request.seed)
    assert styled_request(request, None, query="x") is request
    bare = styled_request(Request(messages=(Message("user", "Ask."),)), harbour_style, query="x")
    assert [m.role for m in bare.messages] == ["system", "user"]


def test_reference_pages_put_the_nearest_passage_last(harbour_style):
    pages = reference_pages(harbour_style, "storm", k=2)
    assert pages and pages.count("\n\n") >= 1
    assert reference_pages(harbour_style, "storm", k=0) == ""


def test_new_and_regenerate_draft_scenes_in_the_style(tmp_path, harbour_style):
    fake = story_fake()
    style_file = harbour_style.save(tmp_path / "harbour.json")
    out = tmp_path / "lighthouse"
    story.new(
        "A lighthouse keeper guides a lost ship home.",
        out,
        backend=fake,
        scenes=2,
        characters=2,
        structure="custom:Beginning,End",
        style=style_file,
    )
    drafting = [r for r in fake.requests if MARK in r.messages[-1].content]
    assert len(drafting) >= 2  # every scene draft, nothing else
    assert all("Write in the style of" in r.messages[0].content for r in drafting)
    assert fake.asked("Plan scene") and not any(
        MARK in r.messages[-1].content for r in fake.requests if "Plan scene" in str(r.messages)
    )
    before = len(fake.requests)
    story.regenerate(out, "drafts", "1", backend=fake, style=harbour_style)
    assert all(MARK in r.messages[-1].content for r in fake.requests[before:])
    before = len(fake.requests)
    story.regenerate(out, "drafts", "1", backend=fake)  # without --style: plain again
    assert not any(MARK in r.messages[-1].content for r in fake.requests[before:])
    assert Project.open(out).bible().drafts[1].blocks


def test_continuing_a_scene_uses_the_style(story_project, tmp_path, harbour_style):
    fake = story_fake()
    copy = tmp_path / "copy"
    shutil.copytree(story_project, copy)
    story.regenerate(copy, "drafts", "2", backend=fake, more=True, style=harbour_style)
    assert len(fake.requests) == 1 and MARK in fake.requests[0].messages[-1].content


def test_revise_rewrites_in_the_style(harbour_style):
    doc = fountain.parse(RAIN.read_text(encoding="utf-8"))
    fake = FakeBackend(["make_angrier JOE", "Coffee, now!"] * 4)
    revise(doc, "make Joe angrier in scene 2", fake, scope={2}, style=harbour_style)
    rewrites = [r for r in fake.requests if "Rewrite JOE's line" in r.messages[-1].content]
    assert rewrites and all(MARK in r.messages[-1].content for r in rewrites)
    plans = [r for r in fake.requests if "Rewrite JOE's line" not in r.messages[-1].content]
    assert not any(MARK in r.messages[-1].content for r in plans)  # choosing stays plain
