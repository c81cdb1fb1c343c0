"""The validator never crashes: random bytes, truncated JSON, deep nesting, huge numbers, wrong types."""
import json
import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.validate import validate
from helpers import ROOT

JOB = ROOT / "tests" / "fixtures" / "spec_example" / "job_description.json"
SPEC = (ROOT / "tests" / "fixtures" / "spec_example" / "train.jsonl").read_text().splitlines()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def run(tmp_path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    v = validate([p], job=JOB, min_rows=1)
    for prob in v.problems:
        assert prob.code and isinstance(prob.line, int)
    return v


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(tmp_path, data):
    run(tmp_path, "train.jsonl", data)
    run(tmp_path, "train.csv", data)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=1200), line=st.integers(min_value=0, max_value=4))
def test_truncated_lines(tmp_path, cut, line):
    lines = list(SPEC)
    lines[line] = lines[line][:cut]
    v = run(tmp_path, "train.jsonl", "\n".join(lines).encode())
    if cut < len(SPEC[line]) and not (cut == 0 and line == 4):  # an empty last line is just the final newline
        assert any(p.line == line + 1 for p in v.problems)


@FUZZ
@given(value=json_values, where=st.sampled_from(["question", "answer", "turn", "args", "tool_calls", "row"]))
def test_wrong_types_anywhere(tmp_path, value, where):
    q = json.loads(json.loads(SPEC[0])["question"])
    a = {"name": "cat", "parameters": {"file_name": "config.txt"}}
    row = {"question": json.dumps(q), "answer": json.dumps(a)}
    if where == "question":
        row["question"] = value
    elif where == "answer":
        row["answer"] = value
    elif where == "turn":
        q[1] = value
        row["question"] = json.dumps(q)
    elif where == "args":
        q[1]["tool_calls"][0]["function"]["arguments"] = value
        row["question"] = json.dumps(q)
    elif where == "tool_calls":
        q[1]["tool_calls"] = value
        row["question"] = json.dumps(q)
    else:
        row = value
    run(tmp_path, "train.jsonl", (json.dumps(row) + "\n").encode())


def test_deep_nesting_and_huge_numbers(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    big = "1" * 10_000
    rows = [
        json.dumps({"question": deep, "answer": "{}"}),
        json.dumps({"question": "[]", "answer": deep}),
        '{"question": ' + deep + ', "answer": "x"}',
        json.dumps({"question": json.dumps([{"role": "user", "content": "x"}]), "answer": '{"name": "ls", "parameters": {"a": ' + big + "}}"}),
        '{"question": 1e99999, "answer": ' + big + "}",
    ]
    v = run(tmp_path, "train.jsonl", "\n".join(rows).encode())
    assert {p.line for p in v.problems} == {1, 2, 3, 4, 5}
    shutil.rmtree(tmp_path / "x", ignore_errors=True)
