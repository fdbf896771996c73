"""Names in generated text: which capitalized words a step may write, as a grammar and a check.

A small model invents people freely ("Soka Mami", "ELAZARUS RAMIREZ") and drifts from the bible's
names. Rather than catch that afterwards, every free-text value a step asks for (a beat, a scene's
summary, a drafted scene's action and speech) is decoded under a grammar in which a capitalized
word is one of a closed list: the common words that start English sentences ("The", "She",
"Suddenly"), the parts of the bible's names ("Rosa", "ROSA"), and the words of the places, the
title and the logline. Lower-case words are free. So the model can write any sentence, but the
only names it can write are the bible's.

    allowed = capitals(cues, extra=("Sugar and Nerve", "ROSA'S BAKERY"))
    rules = text_rules("s", allowed, words=22)    # GBNF: s_sentence ::= ... (see below)

`strangers(text, allowed)` is the same rule as a check: the capitalized words a text uses that
the grammar would not have allowed (for hand edits, other backends, models without grammars).
`own_names(cue)` are the words a speaker must not say (a character never addresses themselves).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

# Capitalized words any text may use: sentence openers, pronouns, interjections, titles.
_COMMON_WORDS = """
A About Above Across After Again Against Ah All Almost Along Already Also Although Always Am
Among An And Another Any Anybody Anyone Anything Anyway Are Around As Ask At Away Back Be
Because Been Before Behind Being Below Beside Besides Between Beyond Both Bring But By Call
Calm Can Captain Careful Close Come Could Dad Damn Dear Did Do Does Doctor Don Done Down
During Each Either Else Enough Even Ever Every Everybody Everyone Everything Excuse Far Few
Finally Find Fine First Follow For Forget Forgive From Get Give Go Good Goodbye Great Had
Has Have He Hello Help Her Here Hers Herself Hey Hi Him Himself His Hold How However I If In
Inside Instead Into Is It Its Itself Just Keep Last Later Leave Let Like Listen Look Ma'am
Many Maybe Me Meanwhile Might Mine Miss Mister Mom More Most Move Mr Mrs Ms Much Must My
Myself Near Never Next No Nobody None Nor Not Nothing Now Of Off Officer Oh Okay On Once One
Only Onto Or Other Our Ours Out Outside Over Perhaps Please Quick Quiet Quietly Rather
Really Right Run Sir Slowly So Some Somebody Someone Something Sometimes Somewhere Soon
Sorry Still Stop Suddenly Such Take Tell Than Thank Thanks That The Their Theirs Them Then
There These They This Those Though Three Through Today Together Tomorrow Tonight Too Toward
Towards Try Twice Two Uh Um Under Unless Until Up Upon Us Very Wait Was Watch We Well Were
What Whatever When Where Whether Which While Who Whoever Why Will With Within Without Wow
Yeah Yes Yesterday Yet You Your Yours Yourself Monday Tuesday Wednesday Thursday Friday
Saturday Sunday January February March April June July August September October November
December God She Should Shall See Say Show Stay Sit Start Four Five Six Seven Eight Nine Ten
Hundred Thousand Mother Father Grandma Grandpa Uncle Aunt Madam Lady Honey Darling Friend
Boss Chief Sergeant Nurse Judge Professor Agent Turn Open Put Stand Hurry Drop Hands Whoa
Alright Fire Easy
"""
COMMON = frozenset(_COMMON_WORDS.split())
_CAPITALIZED = re.compile(r"\b[A-Z][A-Za-z]*(?:'[A-Za-z]+)?")
_WORD = re.compile(r"[A-Za-z]+")


def name_parts(names: Iterable[str]) -> set[str]:
    """The words of names in the forms a text uses them: "Rosa", "ROSA".

    >>> sorted(name_parts(["Rosa Delgado"]))
    ['DELGADO', 'Delgado', 'ROSA', 'Rosa']
    """
    parts: set[str] = set()
    for name in names:
        for word in _WORD.findall(name):
            if len(word) > 1:
                parts |= {word.capitalize(), word.upper()}
    return parts


def own_names(cue: str) -> set[str]:
    """What the speaker of `cue` must not say: the words of their own name."""
    return name_parts([cue])


def capitals(names: Iterable[str], *, extra: Iterable[str] = ()) -> frozenset[str]:
    """The capitalized words a text about the characters `names` (names or cues) may use:
    COMMON, the parts of their names, and the words of `extra` (title, logline, places) as they
    are written and capitalized. A common word that is also a name stays allowed ("Will")."""
    words = set(COMMON) | name_parts(names)
    for text in extra:
        words |= {w.capitalize() for w in _WORD.findall(text) if len(w) > 1}
        words |= set(_CAPITALIZED.findall(text))
    return frozenset(w for w in words if w[:1].isupper())


def strangers(text: str, allowed: Iterable[str]) -> list[str]:
    """The capitalized words of `text` outside `allowed`, in order, each once. A word opening
    a sentence counts only when the next word is capitalized too ("Soka Mami ..."): a writer's
    own "Wind howls." is not a name, and the grammar is stricter than this check.

    >>> strangers("Soka Mami gives Rosa the coin. Wind howls.", {"Rosa", "She"})
    ['Soka', 'Mami']
    """
    allowed = set(allowed)
    found: list[str] = []
    for match in _CAPITALIZED.finditer(text):
        word, base = match.group(), match.group().split("'")[0]
        opens = not text[: match.start()].strip() or text[: match.start()].rstrip()[-1] in ".!?\n"
        after = text[match.end() :].lstrip(" ")
        if opens and not (after[:1].isupper() and after.split(" ")[0].strip(".,!?") not in allowed):
            continue
        if word not in allowed and base not in allowed and base not in found:
            found.append(base)
    return found


def _trie(words: Iterable[str]) -> str:
    """A GBNF expression matching exactly `words`, factored by common prefix (the grammar
    engine then follows one branch per first letter instead of one per word).

    >>> _trie(["The", "Then", "There", "Them"])
    '"The" (("m" | "n" | "re")?)'
    """
    ordered = sorted(set(words))
    ends = "" in ordered
    groups: dict[str, list[str]] = {}
    for word in ordered:
        if word:
            groups.setdefault(word[0], []).append(word[1:])
    options = []
    for first, rests in groups.items():
        shared = "" if "" in rests else os.path.commonprefix(rests)  # noqa: RUF071 (characters wanted)
        rest = _trie([r[len(shared) :] for r in rests])
        literal = f'"{_escape(first + shared)}"'
        options.append(f"{literal} ({rest})" if rest else literal)
    body = " | ".join(options)
    if ends and body:
        return f"({body})?"
    return body


def _escape(ch: str) -> str:
    return ch.replace("\\", "\\\\").replace('"', '\\"')


def text_rules(prefix: str, allowed: Iterable[str], *, words: int = 22) -> list[str]:
    """GBNF rules for sentences whose capitalized words are all in `allowed`:

        {prefix}-sentence ::= first word, then up to `words` more, then . ! or ?
        {prefix}-word     ::= a lower-case word | an allowed capitalized word (+ 's, 're, ...)

    No double quotes anywhere (speech belongs in dialogue, not in narration), no colons
    (a colon line reads as "NAME: speech"), no line breaks."""
    allowed = sorted({w for w in allowed if w[:1].isupper() and '"' not in w})
    assert allowed, "a text grammar needs at least one capitalized word"
    p = prefix
    return [
        f"{p}-sentence ::= {p}-cap (gap {p}-word){{0,{words}}} [.!?]",
        f"{p}-word ::= lower | {p}-cap",
        f'{p}-cap ::= ({_trie(allowed)}) ("\'" [a-z]{{1,2}})?',
    ]


# Shared by every text grammar (defined once in each): a lower-case word and the space or
# punctuation between words.
TEXT_BASE = [
    "lower ::= [a-z] [a-z'-]{0,15}",
    'gap ::= (", " | "; " | " - " | " ") ([0-9]{1,4} " ")?',
]
