"""Write an exchange of dialogue in which every character keeps a voice of their own.

    cast = load_voices("draft.fountain")
    spec = Spec.make(cast, ["MAYA", "ELIAS"], "Maya finds the broken lamp", lines=4)
    exchange = write_dialogue(spec, backend, strategy="actors")
    print(exchange.fountain())

Two strategies, measured against each other in benchmarks/voices.py:

* `actors` — one call per turn, as one "actor" per character: the prompt carries only that
  character's voice (profile and example lines) and the scene so far; the answer is one speech
  under `grammar.turn_grammar`.
* `exchange` — one call for the whole exchange: the prompt carries every character's voice and
  `grammar.exchange_grammar` fixes the cue of each turn (so the order is kept and no one else
  speaks).

Without voices (`Spec.voices` empty) the same prompts carry names only: the baseline. With
voices, an actor's prompt poses the character's own example lines as its worked examples (the
model has just "said" them), and `Spec.candidates` > 1 draws that many takes of each turn (of each
exchange) and keeps the one whose lines fit their speaker's profile best against the rest of the
cast (`rerank.margin`: best-of-N by the profile, no model). A `Style` adds its habits to the
system prompt and poses the reference passages nearest the situation (`exemplars.nearest`) as
worked examples in the same format, so the model imitates them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any, Literal

from writersroom.llm.base import Backend, Completion, Message, Request, complete_many
from writersroom.screenplay import fountain
from writersroom.screenplay.model import Dialogue, Parenthetical, Screenplay
from writersroom.story.prompt import Prompt
from writersroom.story.scenetext import parse_scene_text
from writersroom.story.types import DialogueBlock, cue_of
from writersroom.voice.cast import Cast, speech_of_lines
from writersroom.voice.exemplars import nearest
from writersroom.voice.grammar import exchange_grammar, turn_grammar
from writersroom.voice.profile import Voice, describe
from writersroom.voice.rerank import best_line, margin
from writersroom.voice.style import Style

Strategy = Literal["actors", "exchange"]
STRATEGIES: tuple[Strategy, ...] = ("actors", "exchange")


def _prompt(name: str) -> Prompt:
    text = resources.files("writersroom.voice").joinpath("prompts").joinpath(f"{name}.md")
    return Prompt.parse(name, text.read_text(encoding="utf-8"))


ACTOR = _prompt("actor")
EXCHANGE = _prompt("exchange")
_EXAMPLE_VOICES = {
    "ROSA DELGADO": ("softly, apologizing too often; short sentences", "Sorry. I only bake bread."),
    "NINA PARK": ("fast and loud; exclaims often", "Rosa! You are a genius with butter!"),
}
_BLANKS = re.compile(r"\n{3,}")
OWN_SHOTS = 3  # example lines of the speaking character posed as worked examples (actors)


@dataclass(frozen=True)
class Turn:
    character: str  # the cue
    text: str
    parenthetical: str = ""  # "(quietly)", with its parentheses

    def to_json(self) -> dict[str, str]:
        return {"character": self.character, "parenthetical": self.parenthetical, "text": self.text}


@dataclass(frozen=True)
class Spec:
    """What to write: who speaks each turn, in what situation, with which voices and style."""

    order: tuple[str, ...]  # the cue of every turn, in order
    situation: str
    voices: Mapping[str, Voice] = field(default_factory=dict)  # empty: names only (baseline)
    style: Style | None = None
    before: tuple[Turn, ...] = ()  # the scene so far
    seed: int | None = None
    candidates: int = 1  # takes of each turn (exchange); the one that fits the voices best is kept
    cast: Cast | None = None  # every voice, for reranking against the rest of the cast

    def rivals(self) -> Cast:
        return self.cast or Cast(tuple(self.voices.values()))

    @classmethod
    def make(
        cls,
        cast: Cast,
        characters: Sequence[str],
        situation: str,
        *,
        lines: int = 6,
        voiced: bool = True,
        **options: Any,
    ) -> Spec:
        """Turns in rotation over `characters` (A, B, A, B, ...), voices from `cast`."""
        found = [cast.get(c) for c in characters]
        cues = [v.name if v else cue_of(c) for c, v in zip(characters, found, strict=True)]
        voices = {v.name: v for v in found if v is not None} if voiced else {}
        order = tuple(cues[i % len(cues)] for i in range(lines))
        options.setdefault("cast", cast if voiced else None)
        return cls(order=order, situation=" ".join(situation.split()), voices=voices, **options)


@dataclass(frozen=True)
class Exchange:
    turns: tuple[Turn, ...]
    strategy: Strategy
    requests: tuple[Request, ...] = field(default=(), repr=False)
    texts: tuple[str, ...] = field(default=(), repr=False)  # raw model outputs

    def to_json(self) -> dict[str, Any]:
        return {"lines": [t.to_json() for t in self.turns]}

    def screenplay(self) -> Screenplay:
        elements = []
        for t in self.turns:
            lines: list[str | Parenthetical] = (
                [Parenthetical(t.parenthetical)] if t.parenthetical else []
            )
            elements.append(Dialogue(t.character, (*lines, t.text)))
        return Screenplay(elements=tuple(elements))

    def fountain(self) -> str:
        return fountain.render(self.screenplay()).strip() + "\n"


def _shape(voice: Voice | None, style: Style | None) -> tuple[int, int]:
    """(most sentences per speech, longest sentence in characters) for a speaker."""
    per_sentence = per_speech = None
    if voice and voice.profile.words_per_sentence:
        per_sentence, per_speech = voice.profile.words_per_sentence, voice.profile.words_per_speech
    elif style and style.sentence_words:
        per_sentence, per_speech = style.sentence_words, style.speech_words
    if not per_sentence:
        return 3, 110
    count = round((per_speech or per_sentence) / per_sentence) + 1
    return max(1, min(4, count)), max(40, min(180, round(per_sentence * 10)))


def _about(name: str, voice: Voice | None) -> str:
    if voice is None:
        return ""
    lines = [f"How {name} talks: {describe(voice.profile) or 'plainly'}"]
    if voice.examples:
        lines.append(f"Things {name} has said:")
        lines += [f"- {x}" for x in voice.examples[:4]]
    return "\n".join(lines)


def _cast_line(name: str, voice: Voice | None) -> str:
    if voice is None:
        return f"- {name}"
    said = (
        "; for example: " + " / ".join(f'"{x}"' for x in voice.examples[:2])
        if voice.examples
        else ""
    )
    return f"- {name}: {describe(voice.profile) or 'talks plainly'}{said}"


def _so_far(turns: Sequence[Turn]) -> str:
    return "\n".join(f"{t.character}: {t.text}" for t in turns[-8:])


def _style_note(style: Style | None) -> str:
    return f"\nWrite in the style of the reference pages: {style.notes()}." if style else ""


def turns_of(text: str) -> list[Turn]:
    """The speeches of dialogue text (cue blocks or `NAME: line`), in order. Pure."""
    out = []
    for block in parse_scene_text(text):
        if isinstance(block, DialogueBlock):
            speech = speech_of_lines(block.lines)
            if speech.text:
                out.append(Turn(block.speaker, speech.text, speech.parenthetical))
    return out


def _passages(spec: Spec, k: int = 2) -> list[list[Turn]]:
    if spec.style is None or not spec.style.exemplars:
        return []
    found = nearest(spec.situation, list(spec.style.exemplars), k)
    return [t for t in (turns_of(p) for p in reversed(found)) if len(t) >= 2]  # nearest last


def _with_examples(
    messages: tuple[Message, ...], pairs: Sequence[tuple[str, str]]
) -> tuple[Message, ...]:
    """The prompt's worked example replaced by `pairs` (when there are any); blank runs folded."""
    if pairs:
        shots = tuple(m for u, a in pairs for m in (Message("user", u), Message("assistant", a)))
        messages = (messages[0], *shots, messages[-1])
    return tuple(replace(m, content=_BLANKS.sub("\n\n", m.content)) for m in messages)


def actor_request(spec: Spec, before: Sequence[Turn], cue: str, seed: int | None) -> Request:
    voice = spec.voices.get(cue)
    voiced = bool(spec.voices)
    example = "ROSA DELGADO"
    messages = ACTOR.messages(
        style=_style_note(spec.style),
        example_about=_about(example, _example_voice(example)) if voiced else "",
        name=cue,
        about=_about(cue, voice),
        situation=spec.situation or "(none given)",
        so_far=_so_far(before) or "(the scene begins)",
    )
    pairs = [
        (
            f"Character: {p[-1].character}\nSituation: a scene from the reference pages.\n"
            f"The scene so far:\n{_so_far(p[:-1])}\nWhat does {p[-1].character} say next?",
            _speech_text(p[-1]),
        )
        for p in _passages(spec)
    ]
    if voice and voice.examples:  # the character's own lines, as if just said
        pairs += [
            (f"Character: {cue}\nSituation: earlier in the story.\nWhat does {cue} say next?", x)
            for x in voice.examples[:OWN_SHOTS]
        ]
    sentences, chars = _shape(voice, spec.style)
    return Request(
        messages=_with_examples(messages, pairs),
        max_tokens=36 * sentences + 16,
        temperature=0.8,
        repeat_penalty=1.2,
        seed=seed,
        stop=("\n\n",),
        grammar=turn_grammar(sentences=sentences, sentence_chars=chars),
    )


def exchange_request(spec: Spec) -> Request:
    names = list(dict.fromkeys(spec.order))
    voiced = bool(spec.voices)
    messages = EXCHANGE.messages(
        style=_style_note(spec.style),
        example_cast="\n".join(
            _cast_line(n, _example_voice(n) if voiced else None) for n in _EXAMPLE_VOICES
        ),
        cast="\n".join(_cast_line(n, spec.voices.get(n)) for n in names),
        situation=spec.situation or "(none given)",
        so_far=f"The scene so far:\n{_so_far(spec.before)}" if spec.before else "",
        count=len(spec.order),
        order=", ".join(spec.order),
    )
    pairs = []
    for p in _passages(spec):
        who = list(dict.fromkeys(t.character for t in p))
        pairs.append(
            (
                "Characters:\n"
                + "\n".join(f"- {n}" for n in who)
                + "\nSituation: a scene from the reference pages.\n"
                + f"Write {len(p)} lines of dialogue: {', '.join(t.character for t in p)}.",
                "\n\n".join(_block(t) for t in p),
            )
        )
    shapes = [_shape(spec.voices.get(c), spec.style) for c in spec.order]
    return Request(
        messages=_with_examples(messages, pairs),
        max_tokens=sum(36 * s + 24 for s, _ in shapes),
        temperature=0.8,
        repeat_penalty=1.2,
        seed=spec.seed,
        grammar=exchange_grammar(
            [(c, s) for c, (s, _) in zip(spec.order, shapes, strict=True)],
            sentence_chars=max(c for _, c in shapes),
        ),
    )


def _example_voice(name: str) -> Voice:
    from writersroom.voice.profile import profile_bio

    talks, said = _EXAMPLE_VOICES[name]
    return Voice(name, 0, profile_bio(talks), (said,))


def _speech_text(turn: Turn) -> str:
    return f"{turn.parenthetical}\n{turn.text}" if turn.parenthetical else turn.text


def _block(turn: Turn) -> str:
    return f"{turn.character}\n{_speech_text(turn)}"


def parse_speech(text: str, cue: str) -> Turn | None:
    """One actor's answer: an optional parenthetical line, then the speech (a leading cue or
    `NAME:` that a model without grammar may add is dropped). Pure."""
    lines = [x.strip() for x in text.strip().splitlines() if x.strip()]
    if lines and (lines[0].upper() == lines[0] and not lines[0].startswith("(") and len(lines) > 1):
        lines = lines[1:]  # a cue line
    paren = lines.pop(0) if lines and lines[0].startswith("(") and lines[0].endswith(")") else ""
    speech = " ".join(lines)
    speech = re.sub(rf"^{re.escape(cue)}\s*:\s*", "", speech, flags=re.I).strip()
    return Turn(cue, speech, paren) if speech else None


def write_many(
    specs: Sequence[Spec], backend: Backend, *, strategy: Strategy = "exchange"
) -> list[Exchange]:
    """Write several exchanges; each round of calls goes to the engine as one batch."""
    if strategy == "exchange":
        return _write_exchanges(specs, backend)
    turns: list[list[Turn]] = [[] for _ in specs]
    asked: list[list[Request]] = [[] for _ in specs]
    texts: list[list[str]] = [[] for _ in specs]
    for i in range(max((len(s.order) for s in specs), default=0)):
        jobs = [(k, s, n) for k, s in enumerate(specs) if i < len(s.order) for n in _takes(s)]
        requests = [
            actor_request(s, [*s.before, *turns[k]], s.order[i], _seed(s.seed, i, n))
            for k, s, n in jobs
        ]
        done: list[Completion] = complete_many(backend, requests)
        takes: dict[int, list[tuple[Request, str, Turn | None]]] = {}
        for (k, s, _), request, completion in zip(jobs, requests, done, strict=True):
            turn = parse_speech(completion.text, s.order[i])
            takes.setdefault(k, []).append((request, completion.text, turn))
        for k, options in takes.items():
            usable = [o for o in options if o[2] is not None] or options[:1]
            cue, rivals = specs[k].order[i], specs[k].rivals()
            best = usable[best_line([(o[2].text if o[2] else "") for o in usable], cue, rivals)]
            asked[k].append(best[0])
            texts[k].append(best[1])
            if best[2] is not None:
                turns[k].append(best[2])
    return [
        Exchange(tuple(t), strategy, tuple(a), tuple(x))
        for t, a, x in zip(turns, asked, texts, strict=True)
    ]


def _takes(spec: Spec) -> range:
    return range(max(1, spec.candidates if spec.voices else 1))


def _seed(seed: int | None, turn: int, take: int = 0) -> int | None:
    """The seed of a turn's take (take 0 keeps the seed a single draw has)."""
    return None if seed is None else seed * 1000 + turn + 100_003 * take


def _write_exchanges(specs: Sequence[Spec], backend: Backend) -> list[Exchange]:
    """One call per take of each exchange; the take whose lines fit their speakers best."""
    jobs = [(k, s, n) for k, s in enumerate(specs) for n in _takes(s)]
    requests = [
        exchange_request(s if n == 0 or s.seed is None else replace(s, seed=s.seed + 100_003 * n))
        for _, s, n in jobs
    ]
    answers = complete_many(backend, requests)
    best: dict[int, tuple[float, Exchange]] = {}
    for (k, s, _), r, c in zip(jobs, requests, answers, strict=True):
        turns = tuple(_keep(turns_of(c.text), s))
        fit = sum(margin(t.text, t.character, s.rivals()) for t in turns) if s.voices else 0.0
        fit -= 100.0 * (len(s.order) - len(turns))  # a short exchange loses to a full one
        if k not in best or fit > best[k][0]:
            best[k] = (fit, Exchange(turns, "exchange", (r,), (c.text,)))
    return [best[k][1] for k in range(len(specs))]


def _keep(turns: list[Turn], spec: Spec) -> list[Turn]:
    """The turns by the requested speakers (a backend without grammar may add others)."""
    wanted = set(spec.order)
    return [t for t in turns if t.character in wanted][: len(spec.order)]


def write_dialogue(spec: Spec, backend: Backend, *, strategy: Strategy = "exchange") -> Exchange:
    """Write one exchange (see the module docstring for the strategies)."""
    return write_many([spec], backend, strategy=strategy)[0]
