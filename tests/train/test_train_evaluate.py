from pathlib import Path

import pytest

from writersroom.llm.base import Delta, Request
from writersroom.llm.fake import FakeBackend
from writersroom.train import evaluate

SCENE = "INT. DINER - NIGHT\n\nMARY waits by the window.\n\nMARY\n(quietly)\nCoffee?\n\nBOB\nNo."


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (SCENE, ()),
        # A character may say "Of course": chat talk is an assistant's preamble, or markdown.
        ("INT. DINER - NIGHT\n\nRain.\n\nMARY\nOf course. Sure.\n\n- BOB\nNo.", ("chat_talk",)),
        ("INT. DINER - NIGHT\n\nRain.\n\nMARY\nOf course. Sure.", ()),
        ("Sure! Here is a scene.\n\n" + SCENE, ("no_heading_first", "chat_talk")),
        ("INT. DINER - NIGHT\n\nMary waits. Nobody speaks.", ("no_dialogue",)),
        ("INT. DINER - NIGHT\n\nMARY\nCoffee?", ("no_action",)),
        (
            "INT. DINER\n\nMARY\nCoffee?",
            ("no_heading_first", "no_action", "heading_without_time"),
        ),
        ("INT. DINER - NIGHT\n\nRain.\n\nMARY\n(beat)\n\nBOB\nNo.", ("empty_dialogue",)),
        ("**INT. DINER - NIGHT**\n\nMARY\nCoffee?", ("no_heading_first", "chat_talk")),
        (
            "The scene opens in a diner. Mary says hello to Bob.",
            ("no_heading_first", "no_dialogue"),
        ),
    ],
)
def test_check_scene(text, problems):
    check = evaluate.check_scene(text)
    assert check.problems == problems
    assert check.well_formed is (not problems)


def test_style_similarity_prefers_the_same_voice():
    terse = [SCENE, "EXT. ROAD - DAY\n\nDust.\n\nBOB\nGo.\n\nMARY\nWhy?"]
    wordy = [
        "INT. HALL - DAY\n\n" + "A long paragraph of action that goes on and on. " * 8 + "\n\nLORD "
        "GORING\nMy dear fellow, I assure you that nothing in the world would give me greater "
        "pleasure than to discuss the matter at very considerable length this evening."
    ]
    reference = evaluate.style_features(terse)
    assert evaluate.style_similarity(reference, reference) == 1.0
    assert evaluate.style_similarity(evaluate.style_features(wordy), reference) < 0.7


def test_compare_backends_generates_the_held_out_prompts_with_both_models():
    prompts = [
        {"messages": [{"role": "system", "content": "S"}, {"role": "user", "content": f"P{i}"}]}
        for i in range(3)
    ]
    before = FakeBackend(["Sure! Here is your scene."] * 3)
    after = FakeBackend([SCENE] * 3)
    report = evaluate.compare_backends(before, after, prompts, [SCENE], max_tokens=64)
    assert report["before"]["well_formed"] == 0.0 and report["after"]["well_formed"] == 1.0
    assert report["after"]["style_similarity"] == pytest.approx(1.0)
    assert [r.messages[-1].content for r in after.requests] == ["P0", "P1", "P2"]
    assert {r.max_tokens for r in before.requests} == {64}
    assert len({r.seed for r in after.requests}) == 3
    # The same sampling for both models, with a modest repeat penalty.
    assert {(r.temperature, r.repeat_penalty) for r in before.requests + after.requests} == {
        (0.7, 1.1)
    }


class CutOff:
    """A backend whose every reply stops at the token limit, in the middle of a speech."""

    name = "cut-off"

    def stream(self, request: Request):
        yield Delta(SCENE + "\n\nMARY\n(beat)")
        yield Delta(finish_reason="length")


def test_a_scene_cut_by_the_token_limit_is_judged_without_its_unfinished_paragraph():
    texts = evaluate.generate_scenes(CutOff(), [{"messages": [{"role": "user", "content": "P"}]}])
    assert texts == [SCENE]
    assert evaluate.check_scene(texts[0]).well_formed
    # A reply that stops by itself on a cue without a speech is not a finished scene.
    assert evaluate.check_scene(SCENE + "\n\nMARY\n(beat)").problems == ("empty_dialogue",)


def test_held_out_prompts_are_spread_over_the_validation_set(tmp_path: Path):
    lines = [f'{{"script": "s{i // 10}", "messages": [], "reference": ""}}' for i in range(40)]
    (tmp_path / "val_prompts.jsonl").write_text("\n".join(lines) + "\n")
    chosen = evaluate.held_out_prompts(tmp_path, 4)
    assert [p["script"] for p in chosen] == ["s0", "s1", "s2", "s3"]
