"""Export formats: each round-trips to the upload format, and a converted row renders through a real
Hugging Face-style chat template."""
import json

import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.formats import FORMATS
# exit codes and output read the same from the entry point run in this process (helpers.mtgen_in_process)
from helpers import REALDATA, ROOT, read_rows
from helpers import mtgen_in_process as mtgen



@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    out = tmp_path_factory.mktemp("fmt") / "d"
    assert mtgen("generate", "--n", "80", "--seed", "8", "--emit-state", "--out", out).returncode == 0
    return out


@pytest.mark.parametrize("fmt", ["messages", "openai", "sharegpt", "bfcl", "csv"])
def test_convert_round_trips_byte_for_byte(tmp_path, ours, fmt):
    r = mtgen("convert", ours, "--to", fmt, "--out", tmp_path / "x")
    assert r.returncode == 0, r.stderr
    r = mtgen("convert", tmp_path / "x", "--to", "distil", "--out", tmp_path / "back")
    assert r.returncode == 0, r.stderr
    for split in ("train", "test"):
        assert (tmp_path / "back" / f"{split}.jsonl").read_bytes() == (ours / f"{split}.jsonl").read_bytes()


@pytest.mark.skipif(not REALDATA.is_dir(), reason=f"{REALDATA} is missing")
@pytest.mark.parametrize("fmt", ["messages", "openai", "sharegpt"])
def test_real_datasets_round_trip(tmp_path, fmt):
    src = REALDATA / "distil-voice-assistant-banking"
    assert mtgen("convert", src, "--to", fmt, "--out", tmp_path / "x").returncode == 0
    assert mtgen("convert", tmp_path / "x", "--to", "distil", "--out", tmp_path / "back").returncode == 0
    for split in ("train", "test"):
        orig = [(json.loads(r["question"]), json.loads(r["answer"])) for r in read_rows(src / f"{split}.jsonl")]
        back = [(json.loads(r["question"]), json.loads(r["answer"])) for r in read_rows(tmp_path / "back" / f"{split}.jsonl")]
        assert back == orig


def test_generate_writes_each_format_with_its_extras(tmp_path):
    r = mtgen("generate", "--n", "40", "--format", "sharegpt", "--out", tmp_path / "s")
    assert r.returncode == 0
    info = json.loads((tmp_path / "s" / "dataset_info.json").read_text())
    assert info["mtgen_train"]["file_name"] == "train.jsonl" and info["mtgen_train"]["formatting"] == "sharegpt"
    row = read_rows(tmp_path / "s" / "train.jsonl")[0]
    tags = [c["from"] for c in row["conversations"]]
    assert tags[0::2] == ["human"] * len(tags[0::2]) and set(tags[1::2]) == {"function_call"}
    assert isinstance(row["tools"], str) and json.loads(row["tools"])[0]["name"] == "ls"

    r = mtgen("generate", "--n", "40", "--format", "bfcl", "--out", tmp_path / "b")
    assert r.returncode == 0
    entries = read_rows(tmp_path / "b" / "train.jsonl")
    answers = read_rows(tmp_path / "b" / "possible_answer" / "train.jsonl")
    for e, a in zip(entries, answers):
        assert e["id"] == a["id"] and len(e["question"]) == len(a["ground_truth"])
        assert e["involved_classes"] == ["GorillaFileSystem"]
        (root,) = e["initial_config"]["GorillaFileSystem"]["root"]
        assert e["initial_config"]["GorillaFileSystem"]["root"][root]["type"] == "directory"

    r = mtgen("generate", "--n", "40", "--format", "openai", "--out", tmp_path / "o")
    row = read_rows(tmp_path / "o" / "train.jsonl")[0]
    assert row["parallel_tool_calls"] is False
    calls = [m for m in row["messages"] if m["role"] == "assistant"]
    assert all(isinstance(c["tool_calls"][0]["function"]["arguments"], str) for c in calls)
    assert [c["weight"] for c in calls] == [0] * (len(calls) - 1) + [1]
    assert len({c["tool_calls"][0]["id"] for c in calls}) == len(calls)


def test_bfcl_needs_starting_trees(tmp_path):
    assert mtgen("generate", "--n", "30", "--out", tmp_path / "d").returncode == 0
    r = mtgen("convert", tmp_path / "d", "--to", "bfcl", "--out", tmp_path / "b")
    assert r.returncode == 2 and "--emit-state" in r.stderr


def test_bfcl_ground_truth_replays_in_the_simulator(tmp_path):
    from generator.formats.bfcl import parse_call
    from test_generate import tree_from_gorilla
    from generator.domains.filesystem.state import FileSystem
    assert mtgen("generate", "--n", "60", "--format", "bfcl", "--out", tmp_path / "b").returncode == 0
    for e, a in zip(read_rows(tmp_path / "b" / "train.jsonl"),
                    read_rows(tmp_path / "b" / "possible_answer" / "train.jsonl")):
        (root, tree), = e["initial_config"]["GorillaFileSystem"]["root"].items()
        fs = FileSystem(tree_from_gorilla(root, tree))
        for (call,) in a["ground_truth"]:
            fs.apply(*parse_call(call))


def test_messages_row_renders_through_a_chat_template(ours):
    template = (ROOT / "tests" / "fixtures" / "qwen_style_chat_template.jinja").read_text()
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.filters["tojson"] = lambda v: json.dumps(v, ensure_ascii=False)  # as transformers does
    tmpl = env.from_string(template)
    job = json.loads((ours / "job_description.json").read_text())
    for row in read_rows(ours / "train.jsonl")[:20]:
        turns, answer = FORMATS["distil"].from_row(row)
        msgs = FORMATS["messages"].to_row(turns, answer, job["tools"], job["task_description"])
        text = tmpl.render(messages=msgs["messages"], tools=msgs["tools"], add_generation_prompt=False)
        assert text.count("<|im_start|>user") == sum(t["role"] == "user" for t in turns)
        for t in turns:
            if t["role"] == "user":
                assert t["content"] in text
        target = '{"name": "%s", "arguments": %s}' % (answer["name"], json.dumps(answer["parameters"], ensure_ascii=False))
        assert text.rstrip().endswith(f"<tool_call>\n{target}\n</tool_call><|im_end|>")
        assert '"name": "mv"' in text.split("\n</tools>")[0]  # the tool schemas are in the system block
