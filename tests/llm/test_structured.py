import pytest
from pydantic import BaseModel, Field

from writersroom.errors import GenerationError
from writersroom.llm.structured import parse_json


class Character(BaseModel):
    name: str = Field(min_length=1, max_length=40)
    want: str


def test_half_a_surrogate_pair_reads_as_a_replacement_character():
    # JSON grammars accept any \uXXXX, so a model can write half of an emoji's pair; a strict
    # parser refuses the whole answer. It reads as U+FFFD; a whole pair and an escaped
    # backslash followed by "u" stay as they are.
    text = r'{"name": "Mara \ud83d", "want": "\ud83d\ude00 and \\ud83d"}'
    character = parse_json(text, Character)
    assert character.name == "Mara \ufffd"
    assert character.want == "\U0001f600 and \\ud83d"


def test_invalid_json_is_a_generation_error_that_keeps_the_text():
    with pytest.raises(GenerationError, match="invalid JSON at name") as info:
        parse_json('{"name": "", "want": "x"}', Character, step="characters")
    assert info.value.text == '{"name": "", "want": "x"}'
