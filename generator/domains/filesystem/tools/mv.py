"""mv: move into an existing folder that does not hold the source's name yet, or rename."""
from functools import partial

from ...base import ENTRY, TARGET, Action, Form, Param, Tool
from .. import transfer
from ..plays import movable_into, subject
from ..state import valid_name

INTO = ("mv.into", "mv.it_into", "mv.same", "mv.copied_into_made")


def open_step(w, a):
    return w.transfer("mv", a.get("source"), a.get("destination"), keep_source=False)


def play_copied_into_made(fs, d, prev, r):
    if prev is None or prev.tool != "cp":  # first: most calls are not copies
        return None
    made = d.made_folder(fs)
    if made:
        s = prev.args["source"]
        if fs.has(s) and movable_into(fs, s, made):
            return Action("mv.copied_into_made", "mv", {"source": s, "destination": made}, {}, subject(fs, s))
    return None


GONE = (("gone", "source"), ("kept", "destination"))  # the folder it went into now holds it
RENAMED = (("it", "destination"), ("gone", "source"), ("kept", "destination"), ("renamed", "destination"))
TOOL = Tool(
    "mv", "Move or rename a file or directory.",
    (Param("source", "string", ENTRY, "Source name of the file or directory to move."),
     Param("destination", "string", TARGET, "The destination name to move to.")),
    partial(transfer.check, "mv", valid_name=valid_name), partial(transfer.apply, "mv"), open_step,
    forms=(
        Form("mv.into", "direct", transfer.into("mv.into"), ("src", "dst"), ("kind",), notes=GONE),
        Form("mv.rename", "direct", transfer.rename("mv.rename"), ("src", "dst"), ("kind",), notes=RENAMED),
        Form("mv.it_rename", "pronoun", transfer.it_rename("mv.it_rename"), ("dst",), ("kind",),
             (("cat.direct",), ("touch.direct",)), notes=RENAMED),
        Form("mv.it_into", "pronoun", transfer.it_into("mv.it_into"), ("dst",), ("kind",),
             (("cat.direct",), ("touch.direct",)), notes=GONE),
        Form("mv.same", "same", transfer.same_into("mv.same", INTO), ("src",), ("kind",), (("mv.into",),), notes=GONE),
        Form("mv.copied_into_made", "description", play_copied_into_made, (), ("kind",),
             (("mkdir.direct", "cp.rename"),), notes=GONE),
    ),
    read=partial(transfer.read, "mv"), order=8, slot_samples={"src": "q3_report.pdf", "dst": "archive"})
