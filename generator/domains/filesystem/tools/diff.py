"""diff: compare two text files here line by line.  Versions of one file (report.md and report_v2.md)
are what people compare; "does the copy match?" compares a file with the copy just made of it."""
from ...base import FILE, Action, Form, Param, Tool
from ..objects import Focus
from ..openworld import reads_files
from ..plays import direct_read, has_version, no_file, seen, text_it, versions_of


def check(fs, a):
    f1, f2 = a.get("file_name1"), a.get("file_name2")
    why = no_file("diff", fs, f1) or no_file("diff", fs, f2)
    return why or ("diff: a file compared with itself" if f1 == f2 else None)


def _partner(fs, name: str, r) -> str | None:
    versions = versions_of(fs, name)
    return r.choice(versions) if versions else None


def _act(form, f1, f2, slots, subject=None):
    return Action(form, "diff", {"file_name1": f1, "file_name2": f2}, slots, subject)


def play_direct(fs, d, prev, r):
    files = seen(fs.text_files(), r, fs, d)
    if len(files) < 2:
        return None
    versioned = [n for n in files if has_version(fs, d, n)]
    f1 = r.choice(versioned if versioned else files)
    f2 = _partner(fs, f1, r)
    return None if f2 is None else _act("diff.direct", f1, f2, {"file": f1, "other": f2}, (f1, False))


def play_it(fs, d, prev, r):
    n = text_it(fs, d, prev)
    f2 = _partner(fs, n, r) if n else None
    return None if f2 is None else _act("diff.it", n, f2, {"other": f2}, (n, False))


def play_copy(fs, d, prev, r):
    copy = d.noted("copy", fs)
    if copy is None or prev is None or not fs.is_text_file(copy):
        return None
    src = prev.args.get("source")
    if not (isinstance(src, str) and fs.is_text_file(src)):
        return None
    return _act("diff.copy", src, copy, {}, (copy, False))


TOOL = Tool(
    "diff", "Compare two files line by line at the current directory.",
    (Param("file_name1", "string", FILE, "The name of the first file in current directory."),
     Param("file_name2", "string", FILE, "The name of the second file in current directory.")),
    check, open_step=reads_files("diff", "file_name1", "file_name2"),
    forms=(
        Form("diff.direct", "direct", play_direct, ("file", "other"), ("kind",)),
        Form("diff.it", "pronoun", play_it, ("other",), ("kind",), (("cat.direct",),),
             setup_on=Focus(has_version, ())),
        Form("diff.copy", "description", play_copy, (), ("kind",), (("cp.rename",),)),
    ),
    read=direct_read("diff.direct", file="file_name1", other="file_name2"), order=17,
    slot_samples={"file": "report.md", "other": "report_v2.md"})
