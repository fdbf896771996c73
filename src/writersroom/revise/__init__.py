"""Revision on request as tracked changes, and a continuity checker (docs/revision.md).

revise(doc, "make scene 3 happen at night", backend) -> Screenplay with tracked changes
changes(doc) / accept(doc, ids) / reject(doc, ids)   review them
check(doc) -> [Finding]                               continuity findings
fix(doc, ["F1"]) -> Screenplay                        their fixes, as tracked changes
load(path) / save(doc, path)                          any format, revisions kept
"""

from writersroom.revise.api import accept, changes, check, fix, reject, revise
from writersroom.revise.continuity import Finding
from writersroom.revise.ops import Operation
from writersroom.revise.plan import plan, run_plan
from writersroom.revise.store import load, save

__all__ = [
    "Finding",
    "Operation",
    "accept",
    "changes",
    "check",
    "fix",
    "load",
    "plan",
    "reject",
    "revise",
    "run_plan",
    "save",
]
