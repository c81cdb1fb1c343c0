"""Every reference style of every tool names the object it must name.

The expected referent is worked out here, independently of the planner's discourse code, from the calls
of the conversation alone (what the previous call created, opened or renamed; what an earlier turn
copied or made).  A wrong but legal referent ("open it" naming another file that also exists) fails."""
import re

import pytest

from generator.domains.filesystem import FORMS, TOOLS
from generator.domains.filesystem.state import FileSystem
from generator.engine import Engine, Settings
from generator.domains import load as load_domain

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
SUBJECT = {"cat": "file_name", "cd": "folder", "rm": "file_name", "cp": "source", "mv": "source", "echo": "file_name",
           "grep": "file_name", "tail": "file_name", "wc": "file_name", "sort": "file_name", "diff": "file_name1",
           "rmdir": "dir_name", "mkdir": "dir_name", "touch": "file_name"}


def history(d):
    """Each earlier call with the folder it ran in and whether its destination was a folder before it."""
    fs = FileSystem(d.start.clone())
    out = []
    for t in d.turns[:-1]:
        into = t.tool in ("cp", "mv") and fs.is_dir(t.args["destination"])
        out.append((t.tool, t.args, fs.path(), into))
        fs.apply(t.tool, t.args)
    return out, fs


def it_of(call):
    """What 'it' names after a call: the file or folder it created, opened, wrote or renamed."""
    tool, args, _, into = call
    if tool in ("touch", "echo", "cat", "wc", "sort", "grep", "tail"):
        return args["file_name"]
    if tool == "mkdir":
        return args["dir_name"]
    if tool == "mv" and not into:
        return args["destination"]
    return None


def expected_ok(d) -> bool:
    """Whether the final call names what its reference style must name."""
    hist, fs = history(d)
    a = d.answer
    form, args = a.form, a.args
    ref = FORMS[form].ref
    prev = hist[-1] if hist else None
    same_folder = prev is not None and prev[2] == fs.path()
    made = [c[1]["dir_name"] for c in hist if c[0] == "mkdir"]
    if ref == "pronoun":
        return same_folder and args[SUBJECT[a.tool]] == it_of(prev)
    if ref == "relative":
        return args == {"folder": ".."}
    if ref == "same":
        if not same_folder or prev[0] != a.tool:
            return False
        p = prev[1]
        if a.tool in ("cp", "mv"):
            return args["destination"] == p["destination"] and args["source"] != p["source"]
        if a.tool == "grep":
            return args["pattern"] == p["pattern"] and args["file_name"] != p["file_name"]
        key = SUBJECT[a.tool]
        return args[key] != p[key]
    if ref == "ordinal":
        k = next(v for w, v in ORDINALS.items() if re.search(rf"\b{w}\b", d.answer.text.lower()))
        is_dir = fs.is_dir(args["file_name"])
        created = [c[1]["dir_name" if is_dir else "file_name"] for c in hist if c[0] == ("mkdir" if is_dir else "touch")]
        return len(created) >= k and args["file_name"] == created[k - 1]
    if ref == "description":
        copy = prev[1] if same_folder and prev[0] == "cp" else None
        if form == "cat.copy":
            return copy is not None and args["file_name"] == copy["destination"]
        if form == "diff.copy":
            return copy is not None and (args["file_name1"], args["file_name2"]) == (copy["source"], copy["destination"])
        if form == "cp.into_made":
            return len(made) == 1 and args["destination"] == made[0]
        if form == "mv.copied_into_made":
            return copy is not None and len(made) == 1 and args == {"source": copy["source"], "destination": made[0]}
        if form == "rmdir.made":
            return len(made) == 1 and args["dir_name"] == made[0]
    raise AssertionError(f"no rule for {form}")


CONTEXTUAL = sorted(name for name, f in FORMS.items() if f.contextual)


@pytest.fixture(scope="module")
def examples():
    """Up to 40 conversations ending in each context form, from an all-tools run."""
    domain, grammar = load_domain()  # with its sessions, as generate runs: a request's setup acts as they let it
    eng = Engine(Settings(seed=11, tools=tuple(TOOLS), context_share=1.0), grammar, domain=domain)
    found: dict[str, list] = {f: [] for f in CONTEXTUAL}
    for i in range(3000):
        d = eng.conversation(i)
        if d.answer.form in found and len(found[d.answer.form]) < 40:
            found[d.answer.form].append(d)
        if all(len(v) >= 40 for v in found.values()):
            break
    return found


@pytest.mark.parametrize("form", CONTEXTUAL)
def test_each_reference_names_its_object(examples, form):
    ds = examples[form]
    assert ds, f"{form} never played as a final request"
    for d in ds:
        assert expected_ok(d), (form, [(t.text, t.tool, t.args) for t in d.turns])


@pytest.mark.parametrize("form", CONTEXTUAL)
def test_a_wrong_but_legal_referent_fails(examples, form):
    """Swap the referent for another name the call would also accept here: the check must catch it."""
    tried = 0
    for d in examples[form]:
        hist, fs = history(d)
        a = d.answer
        key = {"cd.up": "folder"}.get(form) or ("destination" if form in ("cp.same", "mv.same", "cp.into_made")
                                               else SUBJECT[a.tool])
        # a 'same' request names its new object and carries the rest over: the wrong one is the old object
        candidates = [hist[-1][1][key]] if FORMS[form].ref == "same" and key == SUBJECT[a.tool] else fs.names()
        for other in candidates:
            args = {**a.args, key: other}
            if other == a.args[key] or fs.check(a.tool, args) is not None:
                continue
            wrong = d._replace(turns=d.turns[:-1] + (a._replace(args=args),))
            assert not expected_ok(wrong), (form, key, other)
            tried += 1
            break
    if form in ("cd.up", "mkdir.same", "touch.same", "rm.same"):
        return  # '..' has no legal alternative; these 'same' requests name a new object and carry only the tool
    assert tried, f"no legal alternative referent found for {form}"
