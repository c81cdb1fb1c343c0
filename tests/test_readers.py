"""One reader for validate, convert and stats (issue 14: items 2, 7, 10, 11, 12, 13, 16, 18): odd input
means the same in every command, every failure is one line naming file and line, nothing is left behind.
These tests build their own small datasets (a smart-home tool set), so they always run."""
import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from generator import convert, stats
from generator import validate as validate_mod
from generator.convert import ConvertError
from generator.dataset import safe_text
from generator.validate import CODES, validate
from helpers import ROOT, mtgen_in_process


def tool(name: str, props: dict, required=()) -> dict:
    return {"type": "function", "function": {"name": name, "description": name, "parameters": {
        "type": "object", "properties": props, "required": list(required)}}}


JOB = {"task_description": "Control the smart home.", "tools": [
    tool("lock_door", {"door": {"type": "string"}}, ["door"]),
    tool("get_status", {"device": {"type": "string"}}, ["device"]),
]}


def row(i: int, name: str = "lock_door", key: str = "door", pad: str = "") -> str:
    """One upload-format line: a user turn, a call, and a final request answered by `name`."""
    turns = [{"role": "user", "content": f"Is the porch{i} light on?{pad}"},
             {"role": "assistant", "content": "", "tool_calls": [
                 {"type": "function", "function": {"name": "get_status", "arguments": {"device": f"porch{i}"}}}]},
             {"role": "user", "content": f"Lock the door{i} please"}]
    answer = {"name": name, "parameters": {key: f"door{i}"}}
    return json.dumps({"question": json.dumps(turns), "answer": json.dumps(answer)})


def make(folder: Path, train: list[str], test: list[str] | None = None, job: dict | None = JOB,
         newline: str = "\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.jsonl").write_bytes("".join(x + newline for x in train).encode())
    if test is not None:
        (folder / "test.jsonl").write_bytes("".join(x + newline for x in test).encode())
    if job is not None:
        (folder / "job_description.json").write_text(json.dumps(job))
    return folder


def codes(v) -> list[tuple[str, int, str]]:
    return sorted((Path(p.file).name, p.line, p.code) for p in v.problems)


def cli(*args) -> subprocess.CompletedProcess:
    """An mtgen command's exit code and output, from its entry point run in this process (no start-up per call)."""
    return mtgen_in_process(*args, cwd=ROOT)


# ---- item 7: strict JSON, one behaviour for BOM and line ends, $ref ----------------------------------
def test_validate_rejects_nan_infinity_and_duplicate_keys(tmp_path):
    nan_answer = json.dumps({"question": json.loads(row(2))["question"],
                             "answer": '{"name": "lock_door", "parameters": {"door": NaN}}'})
    dup_answer = json.dumps({"question": json.loads(row(3))["question"],
                             "answer": '{"name": "lock_door", "name": "get_status", "parameters": {"door": "d"}}'})
    lines = [row(1), nan_answer, dup_answer, row(4)[:-1] + ', "question": "[]"}', row(5)[:-1] + ', "x": -Infinity}',
             row(6).replace('"answer"', '"score": 1e999, "answer"')]
    d = make(tmp_path / "d", lines, [row(9)])
    got = codes(validate([d], min_rows=1))
    assert got == [("train.jsonl", 2, "A002"), ("train.jsonl", 3, "A002"), ("train.jsonl", 4, "F008"),
                   ("train.jsonl", 5, "F008"), ("train.jsonl", 6, "F008")]
    msgs = [p.message for p in validate([d], min_rows=1).problems]
    assert "NaN" in msgs[0] and "duplicate key 'name'" in msgs[1] and "duplicate key 'question'" in msgs[2]


@pytest.mark.parametrize("bad", ['{"door": NaN}', '{"door": Infinity}', '{"door": "a", "door": "b"}'])
def test_convert_and_stats_refuse_what_validate_refuses(tmp_path, bad):
    q = json.loads(row(2))["question"]
    d = make(tmp_path / "d", [row(1), json.dumps({"question": q, "answer": '{"name": "lock_door", "parameters": '
                                                  + bad + "}"})])
    with pytest.raises(ConvertError, match=r"train\.jsonl:2: "):
        convert.run(d, "messages", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    with pytest.raises(ConvertError, match=r"train\.jsonl:2: "):
        stats.compute(d)


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_bom_and_any_line_end_read_the_same_everywhere(tmp_path, newline):
    d = make(tmp_path / "d", [row(i) for i in range(3)], [row(7), row(8)], newline=newline)
    (d / "train.jsonl").write_bytes(b"\xef\xbb\xbf" + (d / "train.jsonl").read_bytes())
    assert codes(validate([d], min_rows=1)) == []
    s = stats.compute(d)
    assert (s["splits"]["train"]["rows"], s["splits"]["test"]["rows"]) == (3, 2)
    assert convert.run(d, "distil", tmp_path / "out") == {"train": 3, "test": 2}
    back = (tmp_path / "out" / "train.jsonl").read_text().splitlines()
    assert [json.loads(x) for x in back] == [json.loads(row(i)) for i in range(3)]


@pytest.mark.parametrize("params", [
    {"type": "object", "properties": {"door": {"$ref": "#/$defs/missing"}}},
    {"type": "object", "properties": {"door": {"$ref": "#/properties/door"}}},
    {"type": "object", "properties": {"door": {"$ref": "#/$defs/a"}}, "$defs": {"a": {"allOf": [{"$ref": "#/$defs/a"}]}}},
    {"type": "object", "properties": {"door": {"$ref": "http://example.invalid/door.json"}}},
])
def test_a_bad_ref_is_one_job_problem_not_one_per_row(tmp_path, params):
    job = {"task_description": "t", "tools": [
        {"type": "function", "function": {"name": "lock_door", "parameters": params}}, JOB["tools"][1]]}
    d = make(tmp_path / "d", [row(i) for i in range(5)], [row(9)], job=job)
    v = validate([d], min_rows=1)
    assert codes(v) == [("job_description.json", 0, "J006")]
    assert "J006" in CODES


def test_a_legit_recursive_ref_still_checks(tmp_path):
    params = {"type": "object", "properties": {"door": {"$ref": "#/$defs/name"}},
              "$defs": {"name": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "#/$defs/name"}}]}}}
    job = {"task_description": "t", "tools": [
        {"type": "function", "function": {"name": "lock_door", "parameters": params}}, JOB["tools"][1]]}
    bad = row(2).replace('\\"door\\": \\"door2\\"', '\\"door\\": 5')
    d = make(tmp_path / "d", [row(1), bad], [row(9)], job=job)
    assert codes(validate([d], min_rows=1)) == [("train.jsonl", 2, "S005")]


# ---- item 10: a catastrophic pattern ----------------------------------------------------------------
def test_catastrophic_pattern_does_not_hang(tmp_path):
    job = {"task_description": "t", "tools": [tool("lock_door", {"door": {"type": "string", "pattern": "^(a+)+$"}}),
                                              JOB["tools"][1]]}
    bad = row(1).replace('\\"door\\": \\"door1\\"', '\\"door\\": \\"' + "a" * 40 + '!\\"')
    d = make(tmp_path / "d", [bad, row(2).replace("door2", "aaa")], [row(9).replace("door9", "a")], job=job)
    code = ("from pathlib import Path; from generator.validate import validate; "
            f"print([(p.line, p.code) for p in validate([Path({str(d)!r})], min_rows=1).problems])")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "[(1, 'S005')]", r.stderr
    # augment checks its seeds with the same checker
    code = ("from pathlib import Path; from generator.augment import load_seeds; "
            f"seeds, _, report = load_seeds(Path({str(d / 'train.jsonl')!r}), Path({str(d / 'job_description.json')!r}), True); "
            "print(len(seeds), len(report))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0 and r.stdout.split() == ["1", "1"], r.stderr


def test_a_pattern_that_runs_out_of_time_is_reported_once(tmp_path, monkeypatch):
    def too_slow(*a, **k):
        raise TimeoutError("regex timed out")

    monkeypatch.setattr(validate_mod.regex, "search", too_slow)
    job = {"task_description": "t", "tools": [tool("lock_door", {"door": {"type": "string", "pattern": "^(a|aa)+$"}}),
                                              JOB["tools"][1]]}
    d = make(tmp_path / "d", [row(i) for i in range(4)], [row(9)], job=job)
    v = validate([d], min_rows=1)
    assert codes(v) == [("job_description.json", 0, "J007")]
    assert "^(a|aa)+$" in v.problems[0].message and v.problems[0].severity == "warning"


# ---- item 2 and 11: bfcl pairing, the state sidecar, unreadable folders ------------------------------
def bfcl_folder(folder: Path, n: int = 4, answers: list | None = None) -> Path:
    (folder / "possible_answer").mkdir(parents=True)
    entries, truth = [], []
    for i in range(n):
        entries.append({"id": f"e{i}", "question": [[{"role": "user", "content": f"show folder{i}"}],
                                                    [{"role": "user", "content": "now open it"}]],
                        "initial_config": {"GorillaFileSystem": {"root": {"r": {"type": "directory", "contents": {}}}}},
                        "path": [], "involved_classes": ["GorillaFileSystem"]})
        truth.append({"id": f"e{i}", "ground_truth": [[f"cd(folder='folder{i}')"], ["cat(file_name='it.txt')"]]})
    answers = truth if answers is None else answers
    for split in ("train", "test"):
        (folder / f"{split}.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries))
        (folder / "possible_answer" / f"{split}.jsonl").write_text("".join(json.dumps(t) + "\n" for t in answers))
    return folder


def converted(folder: Path) -> list[dict]:
    return [json.loads(json.loads(x)["answer"]) for x in (folder / "train.jsonl").read_text().splitlines()]


def test_bfcl_pairs_by_id_in_any_order(tmp_path):
    src = bfcl_folder(tmp_path / "b")
    lines = (src / "possible_answer" / "train.jsonl").read_text().splitlines()
    (src / "possible_answer" / "train.jsonl").write_text("\n".join(reversed(lines)) + "\n")
    convert.run(src, "distil", tmp_path / "out")
    assert [a["parameters"] for a in converted(tmp_path / "out")] == [{"file_name": "it.txt"}] * 4
    turns = [json.loads(json.loads(x)["question"]) for x in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    assert [t[1]["tool_calls"][0]["function"]["arguments"] for t in turns] == [{"folder": f"folder{i}"} for i in range(4)]


@pytest.mark.parametrize("damage, where", [
    (lambda t: t[:-1], r"train\.jsonl:4: id \"e3\" has no line in"),       # a short answer file
    (lambda t: t + [t[0]], r"possible_answer/train\.jsonl:5: id \"e0\" is given twice"),
    (lambda t: t + [{**t[0], "id": "zz"}], r"possible_answer/train\.jsonl:5: id \"zz\" has no entry"),
    (lambda t: [{**t[0], "ground_truth": t[0]["ground_truth"][:1]}] + t[1:], r"train\.jsonl:1: not a bfcl row"),
])
def test_bfcl_mismatch_is_one_error_naming_file_and_id(tmp_path, damage, where):
    truth = [json.loads(x) for x in bfcl_folder(tmp_path / "ok").joinpath("possible_answer", "train.jsonl")
             .read_text().splitlines()]
    src = bfcl_folder(tmp_path / "b", answers=damage(truth))
    with pytest.raises(ConvertError, match=where):
        convert.run(src, "distil", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_bfcl_missing_answer_file(tmp_path):
    src = bfcl_folder(tmp_path / "b")
    (src / "possible_answer" / "test.jsonl").unlink()
    with pytest.raises(ConvertError, match=r"possible_answer/test\.jsonl: file not found"):
        convert.run(src, "distil", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def with_states(tmp_path: Path, order=(0, 1, 2, 3)) -> Path:
    d = make(tmp_path / "d", [row(i) for i in range(4)], [row(9)])
    states = [{"index": i * 2, "root": "r", "initial_config": {"type": "directory", "contents": {f"f{i}": {}}}}
              for i in range(4)]
    (d / "train.state.jsonl").write_text("".join(json.dumps(states[i]) + "\n" for i in order))
    (d / "test.state.jsonl").write_text(json.dumps({"index": 1, "root": "r", "initial_config": {}}) + "\n")
    return d


def test_state_sidecar_in_order_converts(tmp_path):
    convert.run(with_states(tmp_path), "bfcl", tmp_path / "out")
    entries = [json.loads(x) for x in (tmp_path / "out" / "train.jsonl").read_text().splitlines()]
    assert [list(e["initial_config"]["GorillaFileSystem"]["root"]["r"]["contents"]) for e in entries] == \
        [["f0"], ["f1"], ["f2"], ["f3"]]


@pytest.mark.parametrize("order, where", [((1, 0, 2, 3), r"train\.state\.jsonl:2: index 0 after index 2"),
                                          ((0, 1, 2), r"train\.state\.jsonl: has fewer lines than train\.jsonl"),
                                          ((0, 1, 2, 3, 3), r"train\.state\.jsonl:5: has more lines")])
def test_state_sidecar_mismatch_is_an_error(tmp_path, order, where):
    with pytest.raises(ConvertError, match=where):
        convert.run(with_states(tmp_path, order), "bfcl", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_deeply_nested_json_is_one_error_in_stats_and_convert(tmp_path):
    deep = '{"question": ' + "[" * 5000 + "]" * 5000 + ', "answer": "{}"}'
    d = make(tmp_path / "d", [row(1), deep])
    with pytest.raises(ConvertError, match=r"train\.jsonl:2: .*nested deeper than"):
        stats.compute(d)
    with pytest.raises(ConvertError, match=r"train\.jsonl:2: .*nested deeper than"):
        convert.run(d, "messages", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    # the same limit in validate, also below Python's own recursion limit
    mid = json.dumps({"question": json.dumps([{"role": "user", "content": "x"}]),
                      "answer": json.dumps({"name": "lock_door", "parameters": {"door": [[[[["x"]]]]] * 1}})})
    mid = mid.replace("[[[[[", "[" * 150).replace("]]]]]", "]" * 150)
    d2 = make(tmp_path / "d2", [mid], [row(2)])
    assert [(p.code, "nested deeper than 100" in p.message) for p in validate([d2], min_rows=1).problems] == [("A002", True)]


def test_deeply_nested_yaml_in_validate(tmp_path):
    d = make(tmp_path / "d", [row(1)], [row(2)])
    (d / "config.yaml").write_text("base: " + "[" * 1500 + "]" * 1500 + "\n")
    assert ("config.yaml", 0, "C001") in codes(validate([d], min_rows=1))


def test_a_folder_named_train_jsonl(tmp_path):
    d = tmp_path / "d"
    (d / "train.jsonl").mkdir(parents=True)
    (d / "test.jsonl").write_text(row(1) + "\n")
    (d / "job_description.json").write_text(json.dumps(JOB))
    v = validate([d], min_rows=1)
    assert [p.message for p in v.problems if p.file.endswith("train.jsonl")] == ["is a folder, not a file"]
    with pytest.raises(ConvertError, match=r"train\.jsonl: is a folder"):
        stats.compute(d)
    with pytest.raises(ConvertError, match=r"train\.jsonl: is a folder"):
        convert.run(d, "messages", tmp_path / "out")


# ---- item 12: user data printed by stats ------------------------------------------------------------
def test_stats_prints_markup_and_escapes_in_user_data_as_text(tmp_path, capsys):
    d = make(tmp_path / "[red]x[/] \x1b[31mred", [row(1, name="[/bold]"), row(2, name="[link=http://x]a")], [row(3)])
    s = stats.compute(d)
    stats.render(s)
    out = capsys.readouterr().out
    assert "[/bold]" in out and "[link=http://x]a" in out and "[red]x[/]" in out
    assert "\x1b[31m" not in out
    assert safe_text("a\x1b]8;;http://x\x07b\x1b[2Jc\x07[/]") == "abc\\[/]"


# ---- item 13: bounded problems in validate, streaming stats -----------------------------------------
def test_validate_keeps_a_bounded_number_of_problems_per_code_and_counts_all(tmp_path):
    d = make(tmp_path / "d", [row(i, name="open_garage") for i in range(250)], [row(900)])
    v = validate([d], min_rows=1, keep=100)
    assert sum(p.code == "S001" for p in v.problems) == 100
    assert v.problems.counts["S001"] == 250 and v.problems.not_kept == {"S001": 150}
    assert v.problems.errors == 250
    assert v.problems.note() == "150 more problem(s) not listed (at most 100 per code are kept): S001 150"
    assert sum(p.code == "S001" for p in validate([d], min_rows=1, keep=None).problems) == 250


def test_stats_memory_does_not_grow_with_the_rows(tmp_path):
    pad = " " + "x" * 3000
    d = make(tmp_path / "d", [row(i, pad=pad) for i in range(1500)], [row(1, pad=pad)])  # ~5 MB of rows
    stats.compute(make(tmp_path / "warm", [row(1)], [row(2)]))  # imports (numpy) are not the rows' memory
    tracemalloc.start()
    try:
        s = stats.compute(d)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert s["splits"]["train"]["rows"] == 1500 and s["leakage"] == 1
    assert peak < 2_000_000, peak


# ---- item 16: other formats, no job description ------------------------------------------------------
@pytest.mark.parametrize("fmt", ["messages", "openai", "sharegpt"])
def test_validate_reads_other_formats(tmp_path, fmt):
    d = make(tmp_path / "d", [row(i) for i in range(3)], [row(7)])
    convert.run(d, fmt, tmp_path / fmt)
    (tmp_path / fmt / "job_description.json").unlink()  # the tools come from the rows
    assert codes(validate([tmp_path / fmt], min_rows=1)) == []
    assert codes(validate([tmp_path / fmt / "train.jsonl"], min_rows=1)) == []  # a split file alone
    bad = make(tmp_path / "bad", [row(0), row(1, name="open_garage"), row(2)], [row(7)])
    convert.run(bad, fmt, tmp_path / f"{fmt}-bad")
    lines = (tmp_path / f"{fmt}-bad" / "train.jsonl").read_text().splitlines()
    (tmp_path / f"{fmt}-bad" / "train.jsonl").write_text("\n".join([lines[0], lines[1], '{"x": 1}']) + "\n")
    got = codes(validate([tmp_path / f"{fmt}-bad"], min_rows=1))
    assert got == [("train.jsonl", 2, "S001"), ("train.jsonl", 3, "F008")]


def test_validate_reads_bfcl(tmp_path):
    v = validate([bfcl_folder(tmp_path / "b")], min_rows=1)
    assert {p.code for p in v.problems} <= {"D002", "W001"}  # train and test are the same entries here
    assert [f.rows for f in v.files] == [4, 4]


def test_no_job_description_is_said_once_not_per_row(tmp_path):
    d = make(tmp_path / "d", [row(i) for i in range(30)], [row(i) for i in range(40, 60)], job=None)
    assert codes(validate([d])) == [("d", 0, "F001")]


# ---- item 18: progress in validate and convert -------------------------------------------------------
class Recorder:
    def __init__(self):
        self.labels, self.advanced = [], 0

    def __call__(self, label, total=None):
        import contextlib
        self.labels.append(label)
        rec = self

        class P:
            def advance(self, n=1):
                rec.advanced += n

        return contextlib.nullcontext(P())


def test_validate_and_convert_report_progress(tmp_path, monkeypatch):
    d = make(tmp_path / "d", [row(i) for i in range(5)], [row(7), row(8)])
    for module in (validate_mod, convert):
        rec = Recorder()
        monkeypatch.setattr(module, "progress", rec)
        if module is convert:
            convert.run(d, "messages", tmp_path / "out")
        else:
            validate([d], min_rows=1)
        assert rec.advanced == 7 and rec.labels


# ---- the command line: one line, exit 2, nothing behind ---------------------------------------------
def test_cli_convert_and_stats_bad_input_is_one_line_exit_2(tmp_path):
    src = bfcl_folder(tmp_path / "b")
    (src / "possible_answer" / "test.jsonl").unlink()
    for args in (["convert", src, "--to", "distil", "--out", tmp_path / "out"], ["stats", src]):
        r = cli(*args)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "possible_answer/test.jsonl: file not found" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


# ---- fuzz: stats and convert read anything with one error line or a result ---------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                       max_leaves=12)
_rows = st.one_of(
    st.binary(max_size=300),
    st.fixed_dictionaries({"question": _values | st.just(json.loads(row(1))["question"]), "answer": _values})
    .map(lambda r: json.dumps(r).encode() + b"\n"),
    st.fixed_dictionaries({"messages": _values}).map(lambda r: json.dumps(r).encode() + b"\n"),
    st.fixed_dictionaries({"conversations": _values, "tools": _values}).map(lambda r: json.dumps(r).encode() + b"\n"),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_rows)
def test_fuzz_stats_and_convert_never_crash(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("fz")
    (d / "train.jsonl").write_bytes(data)
    (d / "job_description.json").write_text(json.dumps(JOB))
    for read in (lambda: stats.compute(d), lambda: convert.run(d, "openai", d.parent / (d.name + "-out"))):
        try:
            read()
        except ConvertError as e:
            assert "\n" not in str(e) and str(e)
            assert not (d.parent / (d.name + "-out")).exists()
    codes(validate([d], min_rows=1))


def test_lone_surrogate_is_refused_alike(tmp_path):
    lone = row(2).replace("porch2", "porch\\\\udc80")
    d = make(tmp_path / "d", [row(1), lone], [row(9)])
    assert [c for c in codes(validate([d], min_rows=1)) if c[2] != "W001"] == [("train.jsonl", 2, "Q002")]
    with pytest.raises(ConvertError, match=r"train\.jsonl:2: .*lone surrogate"):
        convert.run(d, "messages", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_fifo_is_refused_not_waited_on(tmp_path):
    import os
    d = make(tmp_path / "d", [row(1)])
    (d / "train.jsonl").unlink()
    os.mkfifo(d / "train.jsonl")
    code = ("from pathlib import Path; from generator import stats, convert; from generator.validate import validate\n"
            f"d = Path({str(d)!r})\n"
            "print([p.message for p in validate([d], min_rows=1).problems if p.file.endswith('train.jsonl')])\n"
            "for f in (lambda: stats.compute(d), lambda: convert.run(d, 'messages', d.parent / 'out')):\n"
            "    try: f()\n"
            "    except convert.ConvertError as e: print(e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["['is not a regular file']", f"{d / 'train.jsonl'}: is not a regular file",
                                     f"{d / 'train.jsonl'}: is not a regular file"]


def test_validate_bfcl_without_its_answer_file_says_so_once(tmp_path):
    src = bfcl_folder(tmp_path / "b")
    (src / "possible_answer" / "test.jsonl").unlink()
    got = [(Path(p.file).parent.name + "/" + Path(p.file).name, p.line, p.code) for p in validate([src], min_rows=1).problems
           if p.code != "W001"]  # 'cat it.txt' is never said in these made-up conversations
    assert got == [("possible_answer/test.jsonl", 0, "F001"), ("b/test.jsonl", 0, "F006")]


# ---- which file holds a split: one answer for every command ------------------------------------------
def as_csv(path: Path, lines: list[str]) -> Path:
    """The upload-format rows `lines` (JSON lines) written as a CSV file."""
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["question", "answer"])
        for x in lines:
            r = json.loads(x)
            w.writerow([r["question"], r["answer"]])
    return path


def test_a_folder_with_train_jsonl_and_test_csv_is_read_whole_by_every_command(tmp_path):
    d = make(tmp_path / "mix", [row(i) for i in range(6)])
    as_csv(d / "test.csv", [row(i) for i in range(10, 13)])
    r = cli("convert", d, "--to", "distil", "--out", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    assert [len((tmp_path / "out" / f"{s}.jsonl").read_text().splitlines()) for s in ("train", "test")] == [6, 3]
    s = stats.compute(d)
    assert {k: v["rows"] for k, v in s["splits"].items()} == {"train": 6, "test": 3}
    for split, first in (("train", "porch0"), ("test", "porch10")):
        r = cli("show", d, "--split", split)
        assert r.returncode == 0 and first in r.stdout, r.stderr
    v = validate([d], min_rows=1)
    assert {Path(f.path).name: f.rows for f in v.files} == {"train.jsonl": 6, "test.csv": 3} and not v.problems


@pytest.mark.parametrize("csv_split", ["train", "test"])
def test_a_split_in_both_jsonl_and_csv_is_refused_naming_both(tmp_path, csv_split):
    d = make(tmp_path / "both", [row(i) for i in range(6)], [row(i) for i in range(10, 13)])
    as_csv(d / f"{csv_split}.csv", [row(i) for i in range(20, 24)])
    before = {p.name: p.read_bytes() for p in d.iterdir()}
    for args in (["convert", d, "--to", "distil", "--out", tmp_path / "out"], ["stats", d], ["show", d]):
        r = cli(*args)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
        assert f"{csv_split}.jsonl" in r.stderr and f"{csv_split}.csv" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before
    v = validate([d], min_rows=1)
    both = [p for p in v.problems if p.code == "F001" and f"{csv_split}.jsonl and {csv_split}.csv" in p.message]
    assert len(both) == 1 and both[0].file == str(d)


# ---- a file that does not start as UTF-8 -------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("ext", [".jsonl", ".csv"])
def test_a_utf16_file_is_one_not_utf8_problem_at_line_1(tmp_path, encoding, ext):
    d = make(tmp_path / "d", [row(i) for i in range(6)])
    if ext == ".csv":
        as_csv(d / "train.csv", [row(i) for i in range(6)])
        (d / "train.jsonl").unlink()
    f = d / f"train{ext}"
    f.write_bytes(f.read_text(encoding="utf-8").encode(encoding))
    v = validate([f], min_rows=1)
    assert codes(v) == [(f.name, 1, "F002")], codes(v)
    for args in (["convert", d, "--to", "messages", "--out", tmp_path / "out"], ["stats", d]):
        r = cli(*args)
        assert r.returncode == 2 and r.stderr.strip() == f"mtgen: error: {f}:1: not UTF-8 (UTF-16 text? save the " \
                                                         f"file as UTF-8)", r.stderr


def test_a_file_starting_with_bytes_that_are_not_utf8_is_f002_there_and_read_on(tmp_path):
    d = make(tmp_path / "d", [row(i) for i in range(6)])
    f = d / "train.jsonl"
    f.write_bytes(b"\xff\xfe" + f.read_bytes())
    v = validate([f], min_rows=1)
    assert codes(v) == [("train.jsonl", 1, "F002")] and v.files[0].rows == 5, codes(v)


@pytest.mark.parametrize("header", ["answer,question", "question,question,answer", "q,a"])
def test_a_csv_header_other_than_question_answer_is_one_f004(tmp_path, header):
    d = make(tmp_path / "d", [row(i) for i in range(6)])
    (d / "train.jsonl").unlink()
    f = as_csv(d / "train.csv", [row(i) for i in range(6)])
    text = f.read_text().split("\n", 1)[1]
    f.write_text(header + "\n" + text)
    v = validate([f], min_rows=1)
    assert codes(v) == [("train.csv", 1, "F004")], codes(v)
    r = cli("convert", d, "--to", "distil", "--out", tmp_path / "out")
    assert r.returncode == 2 and r.stderr.strip().startswith(f"mtgen: error: {f}:1: header is {header!r}"), r.stderr


# ---- the job description beside a data file ---------------------------------------------------------
def test_augment_finds_the_job_description_beside_its_seed_file_as_validate_does(tmp_path):
    d = make(tmp_path / "d", [row(i) for i in range(6)])
    r = cli("augment", d / "train.jsonl", "--out", tmp_path / "out", "--n", "10")
    assert r.returncode == 0 and (tmp_path / "out" / "train.jsonl").is_file(), r.stderr
    (d / "job_description.json").unlink()
    r = cli("augment", d / "train.jsonl", "--out", tmp_path / "out2", "--n", "10")
    assert r.returncode == 2 and r.stderr.strip() == (f"mtgen: error: {d / 'train.jsonl'}: no job_description.json "
                                                      f"beside it (give --job job_description.json)"), r.stderr
    assert not (tmp_path / "out2").exists()


# ---- a row not in its export format: the message names the field -------------------------------------
def _last_assistant(r: dict) -> dict:
    return [m for m in r["messages"] if m["role"] == "assistant"][-1]


@pytest.mark.parametrize("fmt,damage,said", [
    ("openai", lambda r: r.update(messages=1), "not an openai row: messages is not a non-empty list"),
    ("openai", lambda r: _last_assistant(r).pop("tool_calls"), "not an openai row: messages[5] has no tool_calls"),
    ("openai", lambda r: r["messages"][1].update(role="x"), "not an openai row: messages[1]: unknown role \"x\""),
    ("openai", lambda r: _last_assistant(r)["tool_calls"][0]["function"].update(arguments="{x"),
     "not an openai row: messages[5].tool_calls[0].function.arguments is not valid JSON"),
    ("messages", lambda r: r["messages"][-1].pop("tool_calls"), "not a messages row: messages[3] has no tool_calls"),
    ("messages", lambda r: r.update(messages=[]), "not a messages row: messages is not a non-empty list"),
    ("sharegpt", lambda r: r["conversations"][0].update({"from": "x"}),
     "not a sharegpt row: conversations[0]: unknown role \"x\""),
    ("sharegpt", lambda r: r["conversations"][1].update({"from": "x"}),
     "not a sharegpt row: conversations[1]: unknown role \"x\""),
    ("sharegpt", lambda r: r["conversations"][0].pop("value"), "not a sharegpt row: conversations[0] has no value"),
])
def test_a_bad_export_row_names_its_field(tmp_path, fmt, damage, said):
    d = make(tmp_path / "d", [row(i) for i in range(3)], [row(7)])
    convert.run(d, fmt, tmp_path / fmt)
    f = tmp_path / fmt / "train.jsonl"
    lines = f.read_text().splitlines()
    r = json.loads(lines[1])
    damage(r)
    f.write_text("\n".join([lines[0], json.dumps(r), lines[2]]) + "\n")
    r = cli("convert", tmp_path / fmt, "--to", "distil", "--out", tmp_path / "out")
    assert r.returncode == 2 and r.stderr.startswith(f"mtgen: error: {f}:2: {said}"), r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()
    got = [p for p in validate([tmp_path / fmt], min_rows=1).problems if p.code == "F008"]
    assert [(p.line, p.message.startswith(said)) for p in got] == [(2, True)], [p.human() for p in got]


def test_augment_refuses_a_folder_with_a_split_in_two_files(tmp_path):
    """augment took train.jsonl and ignored train.csv beside it; it finds a folder's files as every command does."""
    spec = ROOT / "tests" / "fixtures" / "spec_example"
    folder = tmp_path / "mix"
    folder.mkdir()
    for name in ("train.jsonl", "job_description.json"):
        (folder / name).write_bytes((spec / name).read_bytes())
    (folder / "train.csv").write_text("question,answer\n", encoding="utf-8")
    p = cli("augment", folder, "--out", tmp_path / "o", "--n", "30")
    assert p.returncode == 2 and "both train.jsonl and train.csv" in p.stderr, p.stderr
    assert not (tmp_path / "o").exists()
