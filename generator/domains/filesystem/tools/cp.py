"""cp: copy into an existing folder that does not hold the source's name yet, or to a new name."""
from functools import partial

from ...base import ENTRY, TARGET, Form, Param, Tool
from .. import transfer
from ..state import valid_name

INTO = ("cp.into", "cp.it_into", "cp.same", "cp.into_made")
# the copy, or the folder that now holds one: what the user means to keep; and the original it copies (the
# config backed up before an edit: a scenario's `copied`)
KEPT = (("kept", "destination"), ("copied", "source"))


def open_step(w, a):
    return w.transfer("cp", a.get("source"), a.get("destination"), keep_source=True)


TOOL = Tool(
    "cp", "Copy a file or directory from one location to another.",
    (Param("source", "string", ENTRY, "The name of the file or directory to copy."),
     Param("destination", "string", TARGET, "The destination name to copy to.")),
    partial(transfer.check, "cp", valid_name=valid_name), partial(transfer.apply, "cp"), open_step,
    forms=(
        Form("cp.into", "direct", transfer.into("cp.into"), ("src", "dst"), ("kind",), notes=KEPT),
        Form("cp.rename", "direct", transfer.rename("cp.rename"), ("src", "dst"), ("kind",),
             notes=(("copy", "destination"), *KEPT)),
        Form("cp.it_into", "pronoun", transfer.it_into("cp.it_into"), ("dst",), ("kind",),
             (("cat.direct",), ("touch.direct",)), notes=KEPT),
        Form("cp.same", "same", transfer.same_into("cp.same", INTO), ("src",), ("kind",), (("cp.into",),), notes=KEPT),
        Form("cp.into_made", "description", transfer.into_made("cp.into_made"), ("src",), ("kind",),
             (("mkdir.direct",),), notes=KEPT),
    ),
    read=partial(transfer.read, "cp"), order=7, slot_samples={"src": "q3_report.pdf", "dst": "archive"})
