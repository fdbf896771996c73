"""Cheap coherence checks on a drafted scene, run after every draft; a failing scene is redrafted.

    check_scene(draft, outline, cast, others) -> [Issue(kind="meta_commentary", block=0, ...)]

Kinds: unknown_speaker (a cue outside the bible or not present in the scene), heading_in_body (a
scene heading inside the scene, i.e. another place or time), time_contradiction (action that says
night in a day scene or the reverse), repeated_block (a paragraph repeated verbatim here or in
another scene, nearly the same as another here, a short one said three times, or a sentence
looping), meta_commentary ("Sure, here is the scene", notes about the scene), empty_scene,
self_address (a speaker saying their own name), narrated_speech (a quotation, or "X says," in
action or in a speech), doubled_name ("Elena Elena"), unknown_name (a capitalized word outside the
`allowed` ones of `names.capitals`, when given).
`check_story` looks at a whole screenplay: unused_location, unused_character, and doubled or
shared names in the cast. `repair` drops the blocks at fault, for when redrafting did not help.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from writersroom.story.names import own_names, strangers
from writersroom.story.types import (
    ActionBlock,
    Block,
    DialogueBlock,
    Issue,
    SceneDraft,
    SceneOutline,
)

_HEADING = re.compile(r"^\s*(INT|EXT|INT\./EXT|INT/EXT|I/E)[. ]", re.I)
_META = re.compile(
    r"^\s*(sure|certainly|of course|absolutely|okay|ok)\b[,!. ]"
    r"|\bhere(?: is|'s| are)\b[^.\n]{0,30}\b(scene|screenplay|script|draft|dialogue|version)\b"
    r"|\bas an ai\b|\blanguage model\b|\bi hope (this|you)\b|\blet me know\b"
    r"|\b(this|the) scene (shows|is about|depicts|ends|begins|establishes|highlights)\b"
    r"|^\s*(scene|summary|note|notes|title|logline|beat|setting|characters?|end of scene)\s*\d*\s*:"
    r"|\b(end of (the )?scene|scene ends)\b|\bin this scene\b|\bfeel free\b|\[insert\b",
    re.I,
)
_NIGHT = re.compile(
    r"\b(moonlight|moonlit|midnight|the night sky|at night|starlight|stars shine)\b", re.I
)
_DAY = re.compile(
    r"\b(sunlight|sunlit|sunny|midday|noon|broad daylight|the sun (shines|blazes|beats))\b", re.I
)
_WORD = re.compile(r"[a-z0-9']+")
_SENTENCE = re.compile(r"[^.!?]+[.!?]?")
_QUOTE = re.compile(r"[\"“”]")
_SAYS = re.compile(
    r"\b(says|said|asks|asked|replies|replied|shouts|shouted|whispers|whispered|tells|told)"
    r"\s*[,:]",
    re.I,
)
_DOUBLED = re.compile(r"\b([A-Z][a-z]+|[A-Z]{2,}) \1\b")
_DAYTIME = {"DAY", "MORNING", "NOON", "AFTERNOON"}
_NIGHTTIME = {"NIGHT", "MIDNIGHT"}


def block_text(block: Block) -> str:
    if isinstance(block, DialogueBlock):
        return " ".join(block.lines)
    return block.text


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _looping(text: str) -> bool:
    """A sentence said three times or more within one paragraph."""
    sentences = [_key(s) for s in _SENTENCE.findall(text)]
    sentences = [s for s in sentences if len(s.split()) >= 2]
    return any(sentences.count(s) >= 3 for s in set(sentences))


def _repeats(key: str, seen: list[str], elsewhere: set[str]) -> bool:
    """A paragraph of 4+ words said before (here or in another scene), one nearly the same as an
    earlier one here, or a short one said for the third time."""
    words = key.split()
    if len(words) >= 4 and (key in seen or key in elsewhere):
        return True
    if words and seen.count(key) >= 2:
        return True
    mine = set(words)
    return len(mine) >= 6 and any(
        len(mine & set(other.split())) / len(mine | set(other.split())) >= 0.8 for other in seen
    )


def _speech_issues(block: Block, i: int, allowed: Collection[str] | None) -> list[Issue]:
    """A speaker naming themselves, narrated speech, doubled and unknown names."""
    text = block_text(block)
    issues = []
    if isinstance(block, DialogueBlock):
        own = own_names(block.speaker) & set(re.findall(r"[A-Za-z]+", text))
        if own:
            issues.append(
                Issue(
                    kind="self_address",
                    block=i,
                    message=f"{block.speaker} says their own name ({', '.join(sorted(own))})",
                )
            )
    if _QUOTE.search(text) or _SAYS.search(text):
        issues.append(Issue(kind="narrated_speech", block=i, message=text[:60]))
    if _DOUBLED.search(text):
        issues.append(Issue(kind="doubled_name", block=i, message=text[:60]))
    unknown = strangers(text, allowed) if allowed is not None else []
    if unknown:
        issues.append(
            Issue(kind="unknown_name", block=i, message=f"not in the bible: {', '.join(unknown)}")
        )
    return issues


def check_scene(
    draft: SceneDraft,
    outline: SceneOutline,
    cast: Iterable[str],
    others: Sequence[SceneDraft] = (),
    *,
    allowed: Collection[str] | None = None,
) -> list[Issue]:
    """The coherence problems of one drafted scene (empty list: none). `allowed`: the
    capitalized words the scene may use (`names.capitals`); None: names are not checked. Pure."""
    known, present = set(cast), set(outline.characters)
    issues: list[Issue] = []
    words = sum(len(block_text(b).split()) for b in draft.blocks)
    if len(draft.blocks) < 2 or words < 12:
        issues.append(Issue(kind="empty_scene", message=f"only {words} words"))
    elsewhere = {
        _key(block_text(b))
        for other in others
        if other.number != draft.number
        for b in other.blocks
    }
    seen: list[str] = []
    for i, block in enumerate(draft.blocks):
        text = block_text(block)
        key = _key(text)
        if isinstance(block, DialogueBlock) and block.speaker not in known:
            issues.append(
                Issue(
                    kind="unknown_speaker",
                    block=i,
                    message=f"{block.speaker} is not a character of the story",
                )
            )
        elif isinstance(block, DialogueBlock) and present and block.speaker not in present:
            issues.append(
                Issue(
                    kind="unknown_speaker", block=i, message=f"{block.speaker} is not in this scene"
                )
            )
        if _META.search(text):
            issues.append(Issue(kind="meta_commentary", block=i, message=text[:60]))
        if isinstance(block, ActionBlock):
            if _HEADING.match(text):
                issues.append(Issue(kind="heading_in_body", block=i, message=text[:60]))
            elif outline.time in _DAYTIME and _NIGHT.search(text):
                issues.append(
                    Issue(
                        kind="time_contradiction",
                        block=i,
                        message=f"night in a {outline.time} scene: {text[:50]}",
                    )
                )
            elif outline.time in _NIGHTTIME and _DAY.search(text):
                issues.append(
                    Issue(
                        kind="time_contradiction",
                        block=i,
                        message=f"daylight in a NIGHT scene: {text[:50]}",
                    )
                )
        issues += _speech_issues(block, i, allowed)
        if _repeats(key, seen, elsewhere) or _looping(text):
            issues.append(Issue(kind="repeated_block", block=i, message=text[:60]))
        seen.append(key)
    return issues


def check_story(
    names: Sequence[str],
    locations: Sequence[str],
    outlines: Sequence[SceneOutline],
    drafts: Sequence[SceneDraft],
) -> list[Issue]:
    """Problems of a whole screenplay: a planned location no scene uses, a main character who
    never speaks, a name with a doubled word ("Elena Elena") or a word shared with another
    character's name ("Javier Ramirez" twice). Pure."""
    issues = []
    used = {o.location for o in outlines}
    issues += [
        Issue(kind="unused_location", message=f"{loc} is never used")
        for loc in locations
        if loc not in used
    ]
    speakers = {b.speaker for d in drafts for b in d.blocks if isinstance(b, DialogueBlock)}
    seen: dict[str, str] = {}
    for name in names:
        cue = " ".join(name.upper().split())
        words = cue.split()
        if drafts and cue not in speakers:
            issues.append(Issue(kind="unused_character", message=f"{cue} never speaks"))
        if len(set(words)) < len(words):
            issues.append(Issue(kind="doubled_name", message=f"{cue} repeats a word"))
        for word in set(words):
            if word in seen:
                issues.append(
                    Issue(kind="doubled_name", message=f"{cue} shares {word} with {seen[word]}")
                )
            seen.setdefault(word, cue)
    return issues


def repair(draft: SceneDraft, issues: Sequence[Issue]) -> SceneDraft:
    """Drop the blocks that issues point at (used when redrafting has not fixed them)."""
    bad = {issue.block for issue in issues if issue.block is not None}
    return draft.model_copy(
        update={"blocks": tuple(b for i, b in enumerate(draft.blocks) if i not in bad)}
    )


def severity(issues: Sequence[Issue]) -> int:
    """A single number to compare takes by: an empty scene outweighs everything else."""
    return sum(10 if issue.kind == "empty_scene" else 1 for issue in issues)
