"""rm: remove a file or a folder here."""
from ...base import ENTRY, Action, Form, Param, Tool
from ..plays import direct_read, one, seen, subject


def check(fs, a):
    f = a.get("file_name")
    return None if isinstance(f, str) and fs.has(f) else f"rm: {f}: no such file or folder"


def apply(fs, a):
    del fs.here[a["file_name"]]


def open_step(w, a):
    return w.remove("rm", a.get("file_name"))


def _act(form, n, slots, subj):
    return Action(form, "rm", {"file_name": n}, slots, subj)


def _removable(fs, d) -> list[str]:
    kept = d.kept(fs)
    return [n for n in fs.names() if n not in kept] if kept else fs.names()


def play_direct(fs, d, prev, r):
    n = one(r, seen(_removable(fs, d), r, fs, d))
    return None if n is None else _act("rm.direct", n, {"target": n}, subject(fs, n))


def play_it(fs, d, prev, r):
    """'delete it' after reading it; never what the conversation made, wrote or renamed (no reason to)."""
    it = d.it(fs)
    return _act("rm.it", it[0], {}, it) if it and it[0] not in d.kept(fs) else None


def play_same(fs, d, prev, r):
    if prev is None or prev.tool != "rm":
        return None
    n = one(r, seen(_removable(fs, d), r, fs, d, named_first=False))
    return None if n is None else _act("rm.same", n, {"target": n}, subject(fs, n))


def play_ordinal(fs, d, prev, r):
    options = [(n, pos, False) for n, pos in d.ordinals("touched", fs, False)] + \
              [(n, pos, True) for n, pos in d.ordinals("made", fs, True)]
    # its kind is a bare "file" or "folder": "the second document we created" would count documents only
    o = one(r, options)
    return None if o is None else _act("rm.ordinal", o[0], {"ordinal": o[1], "kind": "folder" if o[2] else "file"},
                                       (o[0], o[2]))


GONE = (("gone", "file_name"),)
TOOL = Tool(
    "rm", "Remove a file or directory.",
    (Param("file_name", "string", ENTRY, "The name of the file or directory to remove."),),
    check, apply, open_step,
    forms=(
        Form("rm.direct", "direct", play_direct, ("target",), ("kind",), notes=GONE),
        Form("rm.it", "pronoun", play_it, (), ("kind",), (("cat.direct",),), notes=GONE),
        Form("rm.same", "same", play_same, ("target",), ("kind",), (("rm.direct",),), notes=GONE),
        Form("rm.ordinal", "ordinal", play_ordinal, ("ordinal",), ("kind",), (("touch.direct", "touch.same"),),
             notes=GONE),
    ),
    read=direct_read("rm.direct", target="file_name"), order=6, slot_samples={"target": "old.log", "ordinal": "second"})
