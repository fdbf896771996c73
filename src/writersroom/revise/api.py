"""The Python API of revision, mirroring the commands.

>>> from writersroom.screenplay import fountain
>>> from writersroom.llm.fake import FakeBackend
>>> doc = fountain.parse("INT. DINER - DAY\\n\\nJOE\\nCoffee?\\n\\nMARA\\nNo.")
>>> out = revise(doc, "rename Joe to Joanna", FakeBackend(), date="2026-12-04")
>>> [(c.id, c.op, c.after) for c in changes(out)]
[('1.1', 'rename_character', 'JOANNA\\nCoffee?')]
>>> reject(out) == doc
True
"""

from __future__ import annotations

from collections.abc import Sequence

from writersroom.errors import FormatError
from writersroom.llm.base import Backend, complete
from writersroom.revise import tracking as tracked
from writersroom.revise.continuity import Finding
from writersroom.revise.continuity import check as check_rules
from writersroom.revise.plan import load_prompt, revise, run_plan
from writersroom.screenplay import fountain
from writersroom.screenplay.model import Screenplay
from writersroom.screenplay.views import scenes

__all__ = ["accept", "changes", "check", "fix", "reject", "revise"]

CONFIRM = load_prompt("confirm")


def changes(doc: Screenplay) -> list[tracked.ChangeView]:
    """The pending tracked changes, in document order."""
    return tracked.describe(doc)


def accept(doc: Screenplay, ids: Sequence[str] | None = None) -> Screenplay:
    """Accept the changes `ids` (None: all)."""
    return tracked.accept(doc, ids)


def reject(doc: Screenplay, ids: Sequence[str] | None = None) -> Screenplay:
    """Reject the changes `ids` (None: all); rejecting all gives back the original."""
    return tracked.reject(doc, ids)


def check(doc: Screenplay, backend: Backend | None = None) -> list[Finding]:
    """The continuity findings; with a backend, only those the model confirms (answering
    yes or no under a grammar)."""
    findings = check_rules(doc)
    if backend is None:
        return findings
    return [f for f in findings if _confirmed(doc, f, backend)]


def _confirmed(doc: Screenplay, finding: Finding, backend: Backend) -> bool:
    scene = next((s for s in scenes(doc) if s.number == finding.scene), None)
    body = (scene.heading, *scene.elements) if scene else doc.elements[:8]
    text = fountain.render(Screenplay((), tuple(body))).strip()[:2000]
    request = CONFIRM.request(
        scene=text,
        finding=finding.message,
        options={"grammar": 'root ::= "yes" | "no"', "max_tokens": 2, "temperature": 0.0},
    )
    return not complete(backend, request).text.strip().lower().startswith("no")


def fix(doc: Screenplay, ids: Sequence[str], *, date: str | None = None) -> Screenplay:
    """`doc` with the fixes for the findings `ids` (from `check(doc)`) as tracked changes.
    Raises FormatError for an unknown id or a finding with no automatic fix."""
    findings = {f.id: f for f in check_rules(doc)}
    if unknown := [i for i in ids if i not in findings]:
        listed = ", ".join(findings) or "none"
        raise FormatError(f"no finding {', '.join(unknown)}; the findings are: {listed}")
    if manual := [i for i in ids if findings[i].fix is None]:
        raise FormatError(
            f"{', '.join(manual)} has no automatic fix; revise it with an instruction "
            '(writersroom revise IN "INSTRUCTION" --scene N)'
        )
    ops = [findings[i].fix for i in ids]
    return run_plan(doc, [op for op in ops if op is not None], None, date=date, label="")
