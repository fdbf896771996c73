import itertools
import re
from importlib import resources

import pytest

from writersroom.story.forms import (
    Field,
    choice,
    form_grammar,
    format_form,
    labelled_lines,
    literal,
    parse_form,
)
from writersroom.story.prompt import Prompt

PROMPTS = sorted(
    p.name[:-3]
    for p in resources.files("writersroom.story").joinpath("prompts").iterdir()
    if p.name.endswith(".md")
)


def test_parse_form_reads_records_tolerantly():
    text = (
        "Name: Rosa Delgado\nrole: protagonist\nWants: to win\n\n"
        "- **Name:** Victor Hale\nRole: antagonist\nNoise: ignored\nName: Nina Park\n"
    )
    assert parse_form(text, ["Name", "Role", "Wants"]) == [
        {"Name": "Rosa Delgado", "Role": "protagonist", "Wants": "to win"},
        {"Name": "Victor Hale", "Role": "antagonist"},
        {"Name": "Nina Park"},
    ]


def test_format_form_round_trips():
    records = [{"Place": "HARBOR", "Side": "EXT"}, {"Place": "LIGHTHOUSE", "Side": "INT"}]
    assert parse_form(format_form(records), ["Place", "Side"]) == records


def test_labelled_lines_in_order():
    assert labelled_lines("Setup: A.\nnot a label\nTurn: B.") == [("Setup", "A."), ("Turn", "B.")]


def test_form_grammar_fixes_labels_and_choices():
    grammar = form_grammar(
        [[Field("Place", choice(["HARBOR", 'SAY "HI"'])), Field("Role", literal("ally"))]] * 2
    )
    assert grammar.startswith('root ::= r0 "\\n\\n" r1\n')
    assert 'r0 ::= "Place: " ("HARBOR" | "SAY \\"HI\\"") "\\nRole: " "ally"' in grammar
    assert re.search(r"^sentence ::= ", grammar, re.M)


@pytest.mark.parametrize("name", PROMPTS)
def test_prompt_header_names_function_and_every_placeholder(name):
    prompt = Prompt.load(name)
    assert re.search(r"\w+\(\) in story/\w+\.py", prompt.header), prompt.header
    declared = set(re.findall(r"\$(\w+)", prompt.header))
    assert declared == prompt.placeholders
    roles = [role for role, _ in prompt.turns]
    assert roles[0] == "system" and roles[-1] == "user"
    assert all(a != b for a, b in itertools.pairwise(roles[1:]))


def test_prompt_fills_placeholders_and_refuses_missing_ones():
    prompt = Prompt.parse(
        "t", "<!-- f() in story/t.py. Placeholders: $x -->\n## system\nBe $x.\n## user\nSay $x.\n"
    )
    assert [m.content for m in prompt.messages(x="brief")] == ["Be brief.", "Say brief."]
    with pytest.raises(KeyError):
        prompt.messages()
