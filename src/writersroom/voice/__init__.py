"""Character voices and a writer's style: measured, then used to condition generation.

cast.py        voices of a script's or project's characters (profiles + example lines)
profile.py     one character's voice profile, from lines or from a bio
dialogue.py    an exchange in those voices: one call per actor, or one grammar-fixed call
grammar.py     GBNF for a speech and for an exchange with fixed cues
style.py       a style profile from reference pages; compare and attribute (Burrows' Delta)
stylometry.py  words, sentences, function-word frequencies, Delta
exemplars.py   reference passages nearest a situation (MiniLM, or lexical)
adapter.py     a LoRA adapter on the references with the training pipeline
api.py         the functions behind `writersroom voices / dialogue / style`
"""

from writersroom.voice.api import compare_style, dialogue, learn_style, voices
from writersroom.voice.cast import Cast, load_voices
from writersroom.voice.dialogue import Exchange, Spec, Turn, write_dialogue
from writersroom.voice.profile import Voice, VoiceProfile
from writersroom.voice.style import Style, attribute

__all__ = [
    "Cast",
    "Exchange",
    "Spec",
    "Style",
    "Turn",
    "Voice",
    "VoiceProfile",
    "attribute",
    "compare_style",
    "dialogue",
    "learn_style",
    "load_voices",
    "voices",
    "write_dialogue",
]
