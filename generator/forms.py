"""The shared vocabulary between planner and grammar: which utterance forms exist.

A form is one way of asking for one tool call: its tool, its reference style (how the user points at
things), the slots its phrasings receive, and which of those slots carry argument values (a phrasing
that drops one would produce an ungrounded answer, so `grammar check` insists on them).  `setup` lists
forms that, played right before, make this form possible (the planner uses it to cover rare forms).
"""
from __future__ import annotations

from dataclasses import dataclass

REFERENCE_STYLES = ("direct", "pronoun", "relative", "same", "ordinal", "description")
SURFACE_STYLES = ("plain", "polite", "terse", "question", "indirect")


@dataclass(frozen=True)
class Form:
    name: str
    tool: str
    ref: str
    required: tuple[str, ...] = ()  # slots whose values are argument values: must appear in every phrasing
    optional: tuple[str, ...] = ()  # slots a phrasing may use
    setup: tuple[str, ...] = ()  # forms to play just before (in order) to make this one possible

    @property
    def slots(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def contextual(self) -> bool:
        """True when the answer can only be worked out from earlier turns."""
        return self.ref != "direct"



FORMS: dict[str, Form] = {f.name: f for f in [
    Form("ls.plain", "ls", "direct"),
    Form("ls.hidden", "ls", "direct"),
    Form("cd.direct", "cd", "direct", ("folder",)),
    Form("cd.up", "cd", "relative", (), (), ("cd.direct",)),
    Form("cd.it", "cd", "pronoun", (), (), ("mkdir.direct",)),
    Form("cat.direct", "cat", "direct", ("file",), ("kind",)),
    Form("cat.it", "cat", "pronoun", (), ("kind",), ("touch.direct",)),
    Form("cat.same", "cat", "same", ("file",), ("kind",), ("cat.direct",)),
    Form("cat.copy", "cat", "description", (), ("kind",), ("cp.rename",)),
    Form("mkdir.direct", "mkdir", "direct", ("name",)),
    Form("mkdir.same", "mkdir", "same", ("name",), (), ("mkdir.direct",)),
    Form("touch.direct", "touch", "direct", ("name",), ("kind",)),
    Form("touch.same", "touch", "same", ("name",), ("kind",), ("touch.direct",)),
    Form("rm.direct", "rm", "direct", ("target",), ("kind",)),
    Form("rm.it", "rm", "pronoun", (), ("kind",), ("touch.direct",)),
    Form("rm.same", "rm", "same", ("target",), ("kind",), ("rm.direct",)),
    Form("rm.ordinal", "rm", "ordinal", ("ordinal",), ("kind",), ("touch.direct", "touch.same")),
    Form("cp.into", "cp", "direct", ("src", "dst"), ("kind",)),
    Form("cp.rename", "cp", "direct", ("src", "dst"), ("kind",)),
    Form("cp.it_into", "cp", "pronoun", ("dst",), ("kind",), ("touch.direct",)),
    Form("cp.same", "cp", "same", ("src",), ("kind",), ("cp.into",)),
    Form("cp.into_made", "cp", "description", ("src",), ("kind",), ("mkdir.direct",)),
    Form("mv.into", "mv", "direct", ("src", "dst"), ("kind",)),
    Form("mv.rename", "mv", "direct", ("src", "dst"), ("kind",)),
    Form("mv.it_rename", "mv", "pronoun", ("dst",), ("kind",), ("touch.direct",)),
    Form("mv.it_into", "mv", "pronoun", ("dst",), ("kind",), ("touch.direct",)),
    Form("mv.same", "mv", "same", ("src",), ("kind",), ("mv.into",)),
    Form("mv.copied_into_made", "mv", "description", (), ("kind",), ("mkdir.direct", "cp.rename")),
]}

CONTEXTUAL = frozenset(name for name, f in FORMS.items() if f.contextual)  # for a quick lookup per row

SLOT_SAMPLES = {"folder": "reports", "file": "notes.txt", "name": "draft.md", "target": "old.log",
                "src": "q3_report.pdf", "dst": "archive", "ordinal": "second", "kind": "file"}
