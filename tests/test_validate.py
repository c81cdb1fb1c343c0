"""`mtgen validate`: every check has a real bad line, and the report names its file, line and code."""
import json
import shutil
from pathlib import Path

import pytest

from generator.validate import CODES, validate
# exit codes and output read the same from the entry point run in this process (helpers.mtgen_in_process)
from helpers import REALDATA, ROOT
from helpers import mtgen_in_process as mtgen

needs_realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason=f"{REALDATA} is missing (CI keeps shared/ beside the checkout)")


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    out = tmp_path_factory.mktemp("clean") / "d"
    r = mtgen("generate", "--train", "25", "--test", "20", "--seed", "11", "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def dataset(tmp_path, clean) -> Path:
    d = tmp_path / "d"
    shutil.copytree(clean, d)
    return d


def set_line(path: Path, n: int, text: str | bytes) -> None:
    lines = path.read_bytes().split(b"\n")
    lines[n - 1] = text if isinstance(text, bytes) else text.encode()
    path.write_bytes(b"\n".join(lines))


def row(turns, answer, **extra) -> str:
    r = {"question": turns if not isinstance(turns, list) else json.dumps(turns),
         "answer": answer if not isinstance(answer, dict) else json.dumps(answer)}
    r.update(extra)
    return json.dumps(r)


def user(text):
    return {"role": "user", "content": text}


def call(name, **args):
    return {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {"name": name, "arguments": args}}]}


def ans(name, **params):
    return {"name": name, "parameters": params}


GOOD_Q = [user("List the files here."), call("ls"), user("Show me notes.txt.")]
GOOD_A = ans("cat", file_name="notes.txt")

BAD_LINES = {
    "F002": b'{"question": "\xff\xfe", "answer": "{}"}',
    "F005": "",
    "F008": '{"question": "[]", "answer": ',
    "R001": json.dumps({"question": json.dumps(GOOD_Q)}),
    "R002": row(GOOD_Q, GOOD_A, extra="x"),
    "Q001": json.dumps({"question": GOOD_Q, "answer": json.dumps(GOOD_A)}),
    "Q002": row('[{"role": "user", "content": "hi"', GOOD_A),
    "Q003": row("[]", GOOD_A),
    "Q004": row([{"role": "system", "content": "x"}] + GOOD_Q, GOOD_A),
    "Q005": row([user("List the files here."), user("again"), call("ls"), user("Show me notes.txt.")], GOOD_A),
    "Q006": row([user(""), call("ls"), user("Show me notes.txt.")], GOOD_A),
    "Q007": row([user("List the files here."), {**call("ls"), "content": "Sure!"}, user("Show me notes.txt.")], GOOD_A),
    "Q008": row([user("List the files here."), {"role": "assistant", "content": "", "tool_calls": []},
                 user("Show me notes.txt.")], GOOD_A),
    "Q009": row([user("List the files here."), {"role": "assistant", "content": "", "tool_calls": [
        {"type": "function", "function": {"name": "ls", "arguments": "{}"}}]}, user("Show me notes.txt.")], GOOD_A),
    "A001": json.dumps({"question": json.dumps(GOOD_Q), "answer": GOOD_A}),
    "A002": row(GOOD_Q, "{'name': 'cat'}"),
    "A003": row(GOOD_Q, {"name": "cat", "arguments": {"file_name": "notes.txt"}}),
    "S001": row(GOOD_Q, ans("pwd")),
    "S002": row(GOOD_Q, ans("cat")),
    "S003": row(GOOD_Q, ans("cat", file_name="notes.txt", path="/")),
    "S004": row([user("List all, hidden too."), call("ls", a="true"), user("Show me notes.txt.")], GOOD_A),
    "X001": row([user("Delete notes.txt."), call("rm", file_name="notes.txt"), user("Show me notes.txt.")], GOOD_A),
    "F007": row([user("x" * 31_000), call("ls"), user("Show me notes.txt.")], GOOD_A),
}


@pytest.mark.parametrize("code", sorted(BAD_LINES))
def test_each_row_check_reports_line_and_code(tmp_path, clean, code):
    d = dataset(tmp_path, clean)
    set_line(d / "train.jsonl", 7, BAD_LINES[code])
    v = validate([d])
    got = [(Path(p.file).name, p.line, p.code) for p in v.problems if p.severity == "error"]
    assert ("train.jsonl", 7, code) in got, got
    assert all(line == 7 for name, line, c in got if name == "train.jsonl"), got  # nothing else is blamed
    assert code in CODES


def test_ungrounded_answer_is_a_warning(tmp_path, clean):
    d = dataset(tmp_path, clean)
    set_line(d / "train.jsonl", 3, row(GOOD_Q, ans("cat", file_name="secret.txt")))
    v = validate([d])
    assert [(p.line, p.code, p.severity) for p in v.problems] == [(3, "W001", "warning")]
    r = mtgen("validate", d)
    assert r.returncode == 0 and "train.jsonl:3: W001" in r.stdout
    assert mtgen("validate", d, "--strict").returncode == 1


def test_enum_violation(tmp_path):
    if not REALDATA.is_dir():
        pytest.skip(f"{REALDATA} is missing")
    d = tmp_path / "home"
    shutil.copytree(REALDATA / "distil-smart-home", d)
    first = json.loads((d / "train.jsonl").read_text().splitlines()[0])
    a = json.loads(first["answer"])
    a["parameters"]["room"] = "garage"
    set_line(d / "train.jsonl", 1, json.dumps({"question": first["question"], "answer": json.dumps(a)}))
    v = validate([d])
    assert [(p.line, p.code) for p in v.problems] == [(1, "S005")]


def test_duplicates_and_leakage(tmp_path, clean):
    d = dataset(tmp_path, clean)
    train = (d / "train.jsonl").read_text().splitlines()
    test = (d / "test.jsonl").read_text().splitlines()
    set_line(d / "train.jsonl", 10, train[2])  # duplicate of train line 3
    set_line(d / "test.jsonl", 5, train[3])  # leakage: train line 4 in test
    probs = {(Path(p.file).name, p.line, p.code): p.message for p in validate([d]).problems}
    assert probs[("train.jsonl", 10, "D001")].endswith("train.jsonl:3")
    # leakage is blamed on the train row: the test set is the yardstick
    assert probs[("train.jsonl", 4, "D002")] == f"also in test at {d / 'test.jsonl'}:5"
    assert len(probs) == 2 and test
    # a train file checked alone is compared with its sibling test file
    alone = {(Path(p.file).name, p.line, p.code) for p in validate([d / "train.jsonl"]).problems}
    assert alone == {("train.jsonl", 10, "D001"), ("train.jsonl", 4, "D002")}
    assert validate([d / "test.jsonl"]).problems == []


def test_too_few_rows_and_csv_mixups(tmp_path, clean):
    d = dataset(tmp_path, clean)
    lines = (d / "test.jsonl").read_text().splitlines()
    (d / "test.jsonl").write_text("\n".join(lines[:19]) + "\n")
    v = validate([d])
    assert [(Path(p.file).name, p.line, p.code) for p in v.problems] == [("test.jsonl", 0, "F006")]
    (d / "test.jsonl").write_text("question,answer\nx,y\n")
    codes = {(p.line, p.code) for p in validate([d]).problems if p.file.endswith("test.jsonl")}
    assert (1, "F003") in codes
    (d / "test.jsonl").unlink()
    (d / "test.csv").write_text("question,answers,extra\n")
    codes = {(p.line, p.code) for p in validate([d]).problems if p.file.endswith("test.csv")}
    assert (1, "F004") in codes


def test_csv_line_numbers_count_multiline_records(tmp_path, clean):
    d = tmp_path / "c"
    r = mtgen("generate", "--train", "25", "--test", "20", "--seed", "11", "--format", "csv", "--out", d)
    assert r.returncode == 0
    assert validate([d]).problems == []
    text = (d / "train.csv").read_text().splitlines()
    text.insert(3, '"a\nb",x')  # a record spanning lines 4-5 with a bad question
    (d / "train.csv").write_text("\n".join(text) + "\n")
    got = {(p.line, p.code) for p in validate([d]).problems}
    assert (4, "Q002") in got, got
    text.insert(8, '"[]",{},extra')
    (d / "train.csv").write_text("\n".join(text) + "\n")
    got = {(p.line, p.code) for p in validate([d]).problems}
    assert (10, "F008") in got, got  # line 9 of the list + the record that took two lines


@pytest.mark.parametrize("job,code", [
    ("{not json", "J001"),
    ('{"task_description": "", "tools": [{"type": "function", "function": {"name": "ls"}}]}', "J002"),
    ('{"task_description": "x", "tools": []}', "J003"),
    ('{"task_description": "x", "tools": [{"name": "ls"}]}', "J003"),
    ('{"task_description": "x", "tools": [{"type": "function", "function": {"name": "ls", "parameters": '
     '{"type": "object", "properties": {"a": {"type": "bool"}}}}}]}', "J004"),
    ('{"task_description": "x", "tools": [{"type": "function", "function": {"name": "ls"}}, '
     '{"type": "function", "function": {"name": "ls"}}]}', "J005"),
])
def test_job_description_checks(tmp_path, clean, job, code):
    d = dataset(tmp_path, clean)
    (d / "job_description.json").write_text(job)
    assert code in {p.code for p in validate([d]).problems if p.file.endswith("job_description.json")}


@pytest.mark.parametrize("cfg,code", [
    ("base: [unclosed", "C001"),
    ("other: 1", "C001"),
    ("base:\n  task: summarisation\n", "C002"),
    ("base:\n  task: multi-turn-tool-calling-closed-book\n  student_model_name: Mistral-7B\n", "C003"),
    ("base:\n  task: multi-turn-tool-calling-closed-book\n  teacher_model_name: gpt-4o\n", "C004"),
])
def test_config_checks(tmp_path, clean, cfg, code):
    d = dataset(tmp_path, clean)
    (d / "config.yaml").write_text(cfg)
    assert [p.code for p in validate([d]).problems] == [code]


def test_spec_example_line_2_is_reported():
    """The format's own documentation calls pwd and find on line 2, which its job description lacks."""
    f = ROOT / "tests" / "fixtures" / "spec_example" / "train.jsonl"
    v = validate([f], min_rows=1)
    assert {(p.line, p.code) for p in v.problems} == {(2, "S001")}
    assert len(v.problems) == 2  # pwd and find


@needs_realdata
@pytest.mark.parametrize("name", ["distil-smart-home", "distil-voice-assistant-banking"])
def test_real_datasets_validate_without_a_single_false_positive(name):
    v = validate([REALDATA / name])
    assert v.problems == []
    r = mtgen("validate", REALDATA / name)
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize("args", [
    ["--n", "60", "--seed", "1"], ["--n", "80", "--seed", "2", "--format", "csv"],
    ["--n", "60", "--seed", "3", "--tools", "cd,cp,mv,ls"], ["--n", "80", "--seed", "4", "--split-by", "template"],
    ["--n", "60", "--seed", "5", "--max-turns", "10", "--noise", "0.5", "--context-share", "0.9"],
])
def test_generated_data_always_validates_clean(tmp_path, args):
    out = tmp_path / "d"
    assert mtgen("generate", *args, "--out", out, "--student", "Llama-3.2-1B-Instruct").returncode == 0
    v = validate([out], min_rows=1)
    assert v.problems == [], [p.human() for p in v.problems[:5]]


def test_cli_json_output_and_exit_codes(tmp_path, clean):
    d = dataset(tmp_path, clean)
    set_line(d / "train.jsonl", 4, BAD_LINES["S001"])
    r = mtgen("validate", d, "--format", "json")
    assert r.returncode == 1
    objs = [json.loads(x) for x in r.stdout.splitlines()]
    assert objs == [{"file": str(d / "train.jsonl"), "line": 4, "code": "S001", "severity": "error",
                     "message": "answer calls unknown tool 'pwd'"}]
    r = mtgen("validate", d)
    assert r.returncode == 1 and r.stdout.splitlines()[0] == f"{d / 'train.jsonl'}:4: S001 answer calls unknown tool 'pwd'"
    assert mtgen("validate", tmp_path / "nope").returncode == 2
    assert mtgen("validate", d, "--format", "xml").returncode == 2
    assert mtgen("validate", clean).returncode == 0


def test_files_with_explicit_job(tmp_path, clean):
    f = tmp_path / "mine.jsonl"
    shutil.copy(clean / "train.jsonl", f)
    r = mtgen("validate", f, "--job", clean / "job_description.json")
    assert r.returncode == 0, r.stdout


def test_quick_check_never_disagrees_with_jsonschema():
    """The fast path may only say 'valid' when jsonschema agrees (hypothesis over odd values)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from generator.validate import load_job
    jobs = [ROOT / "tests" / "fixtures" / "spec_example" / "job_description.json"]
    if REALDATA.is_dir():
        jobs += [REALDATA / n / "job_description.json" for n in ("distil-smart-home", "distil-voice-assistant-banking")]
    specs = [s for j in jobs for s in load_job(j, []).values() if s.quick is not None]
    assert len(specs) >= 8
    value = st.none() | st.booleans() | st.integers(-100, 100) | st.floats(allow_nan=False, width=32) | \
        st.sampled_from(["on", "off", "kitchen", "heat", "x", "checking", "1234", ""]) | st.lists(st.integers(), max_size=2)

    @settings(max_examples=400, deadline=None)
    @given(i=st.integers(0, len(specs) - 1), args=st.dictionaries(
        st.sampled_from(["room", "state", "temperature", "mode", "a", "file_name", "amount", "account_type",
                         "card_last_four", "door", "other"]), value, max_size=3))
    def check(i, args):
        s = specs[i]
        if s.quick.ok(args):
            assert s.validator.is_valid(args), (s.name, args)

    check()


def test_json_null_question_and_answer_are_reported():
    from generator.validate import check_row
    out = []
    check_row({"question": "null", "answer": "null"}, {}, "f", 3, out)
    assert [(p.line, p.code) for p in out] == [(3, "Q003"), (3, "A002")]


def test_missing_split_and_missing_job_description(tmp_path, clean):
    d = dataset(tmp_path, clean)
    (d / "test.jsonl").unlink()
    assert ("F001", 0) in {(p.code, p.line) for p in validate([d]).problems}
    (d / "job_description.json").unlink()
    msgs = [p.message for p in validate([d]).problems if p.code == "F001"]
    assert any("no job_description.json" in m for m in msgs)
