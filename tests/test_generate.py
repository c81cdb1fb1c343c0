"""Properties of generated data: every answer replays, every call fits the schema, determinism, splits."""
import json
import re
from collections import Counter

import jsonschema

from generator.engine import Engine, Settings
from generator.forms import FORMS, REFERENCE_STYLES
from generator.domains.filesystem.state import Dir, FileSystem
from generator.grammar import load
from generator.tools import PRESETS, TOOL_NAMES
# exit codes and output read the same from the entry point run in this process (helpers.mtgen_in_process);
# the tests about worker processes, a fresh process's determinism or a process group stay real processes
from helpers import calls_of, read_rows
from helpers import mtgen as mtgen_process
from helpers import mtgen_in_process as mtgen


def tree_from_gorilla(name: str, node: dict) -> Dir:
    d = Dir(name)
    for k, v in node["contents"].items():
        if v["type"] == "directory":
            d.children[k] = tree_from_gorilla(k, v)
        else:
            d.add_file(k, v["content"])
    return d


def rows_with_state(out):
    for split in ("train", "test"):
        rows = read_rows(out / f"{split}.jsonl")
        states = read_rows(out / f"{split}.state.jsonl")
        assert len(rows) == len(states)
        yield from ((split, r, s) for r, s in zip(rows, states))


def test_every_answer_replays_on_a_fresh_simulator(default_run):
    n = 0
    for split, row, state in rows_with_state(default_run):
        _, calls, answer = calls_of(row)
        fs = FileSystem(tree_from_gorilla(state["root"], state["initial_config"]))
        for i, (tool, args) in enumerate(calls):
            why = fs.check(tool, args)
            assert why is None, f"{split} index {state['index']} call {i}: {why}"
            fs.apply(tool, args)
        assert fs.check(*answer) is None, f"{split} index {state['index']} answer: {fs.check(*answer)}"
        n += 1
    assert n == 500


def test_rows_follow_the_format_and_the_tool_schemas(default_run):
    job = json.loads((default_run / "job_description.json").read_text())
    assert set(job) == {"task_description", "tools"} and job["task_description"]
    schemas = {t["function"]["name"]: t["function"]["parameters"] for t in job["tools"]}
    assert tuple(schemas) == PRESETS["spec"]  # the default tool set
    for split in ("train", "test"):
        for line in (default_run / f"{split}.jsonl").read_text().splitlines():
            row = json.loads(line)
            assert set(row) == {"question", "answer"}
            assert isinstance(row["question"], str) and isinstance(row["answer"], str)
            turns = json.loads(row["question"])
            assert [t["role"] for t in turns] == ["user", "assistant"] * (len(turns) // 2) + ["user"]
            for t in turns:
                if t["role"] == "user":
                    assert set(t) == {"role", "content"} and t["content"].strip()
                else:
                    assert t["content"] == "" and len(t["tool_calls"]) == 1
                    call = t["tool_calls"][0]
                    assert call["type"] == "function" and isinstance(call["function"]["arguments"], dict)
                    jsonschema.validate(call["function"]["arguments"], schemas[call["function"]["name"]])
            ans = json.loads(row["answer"])
            assert set(ans) == {"name", "parameters"}
            jsonschema.validate(ans["parameters"], schemas[ans["name"]])
            # defaults omitted: ls is {} or {"a": true}, never {"a": false}
            assert ans["parameters"] != {"a": False}


def test_config_yaml(default_run):
    import yaml
    assert yaml.safe_load((default_run / "config.yaml").read_text()) == {
        "base": {"task": "multi-turn-tool-calling-closed-book"}}


def test_every_argument_is_grounded_in_the_conversation(default_run):
    for split, row, _ in rows_with_state(default_run):
        turns, calls, (tool, params) = calls_of(row)
        said = " ".join(t["content"] for t in turns if t["role"] == "user")
        earlier = {v for _, a in calls for v in a.values() if isinstance(v, str)}
        for v in params.values():
            if isinstance(v, str):
                assert v == ".." or v in said or v in earlier, f"ungrounded {v!r} in {row['question']}"


def test_context_dependent_share_and_reference_styles(default_run):
    """At least 30% of answers need earlier turns; check it independently of the generator's labels:
    the answer's argument values are not all named in the final user turn."""
    dependent = 0
    total = 0
    for split, row, _ in rows_with_state(default_run):
        turns, _, (tool, params) = calls_of(row)
        last = turns[-1]["content"]
        values = [v for v in params.values() if isinstance(v, str)]
        if values and any(v not in last for v in values) or (tool == "cd" and params["folder"] == ".."):
            dependent += 1
        elif "same" in last.lower() or " too" in last.lower() or "as well" in last.lower():
            dependent += 1  # "now the same for x.md": the name is here, the tool is in the past
        total += 1
    assert dependent / total >= 0.30, dependent / total


def test_no_duplicates_and_no_leakage(default_run):
    train = (default_run / "train.jsonl").read_text().splitlines()
    test = (default_run / "test.jsonl").read_text().splitlines()
    assert len(train) == 400 and len(test) == 100
    questions = [json.loads(x)["question"] for x in train + test]
    assert len(set(questions)) == len(questions)


def test_same_seed_is_byte_identical_and_other_seed_differs(tmp_path):
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        assert mtgen_process("generate", "--n", "120", "--seed", seed, "--out", tmp_path / name).returncode == 0
    for f in ("train.jsonl", "test.jsonl", "job_description.json", "config.yaml"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    assert (tmp_path / "a" / "train.jsonl").read_bytes() != (tmp_path / "c" / "train.jsonl").read_bytes()


def test_larger_run_contains_the_smaller_as_a_prefix_with_the_same_split(tmp_path, default_run):
    assert mtgen("generate", "--n", "1000", "--seed", "1", "--out", tmp_path / "big").returncode == 0
    for split in ("train", "test"):
        small = (default_run / f"{split}.jsonl").read_text().splitlines()
        big = (tmp_path / "big" / f"{split}.jsonl").read_text().splitlines()
        assert big[:len(small)] == small


def test_exact_train_test_counts(tmp_path):
    r = mtgen("generate", "--train", "30", "--test", "25", "--seed", "3", "--out", tmp_path / "d")
    assert r.returncode == 0, r.stderr
    assert len(read_rows(tmp_path / "d" / "train.jsonl")) == 30
    assert len(read_rows(tmp_path / "d" / "test.jsonl")) == 25


def test_small_n_covers_every_tool_style_and_length():
    """Cover before repeating: 40 conversations show every tool and reference style as an answer,
    every surface style, and every conversation length from 1 to 5 prior exchanges."""
    g = load()
    eng = Engine(Settings(seed=5), g)
    ds = [eng.conversation(i) for i in range(40)]
    assert {d.answer.tool for d in ds} == set(PRESETS["spec"])
    assert {FORMS[d.answer.form].ref for d in ds} == set(REFERENCE_STYLES)
    assert {len(d.turns) - 1 for d in ds} == {1, 2, 3, 4, 5}
    assert len({d.answer.surface for d in ds}) == 5


def test_tools_option_restricts_calls_and_job_description(tmp_path):
    r = mtgen("generate", "--n", "60", "--tools", "ls,cd,cat", "--out", tmp_path / "d")
    assert r.returncode == 0, r.stderr
    job = json.loads((tmp_path / "d" / "job_description.json").read_text())
    assert [t["function"]["name"] for t in job["tools"]] == ["ls", "cd", "cat"]
    used = Counter()
    for split in ("train", "test"):
        for row in read_rows(tmp_path / "d" / f"{split}.jsonl"):
            _, calls, ans = calls_of(row)
            used.update(t for t, _ in calls + [ans])
    assert set(used) == {"ls", "cd", "cat"}


def test_csv_format_holds_the_same_rows(tmp_path):
    assert mtgen("generate", "--n", "50", "--seed", "2", "--out", tmp_path / "j").returncode == 0
    assert mtgen("generate", "--n", "50", "--seed", "2", "--format", "csv", "--out", tmp_path / "c").returncode == 0
    for split in ("train", "test"):
        assert read_rows(tmp_path / "c" / f"{split}.csv") == read_rows(tmp_path / "j" / f"{split}.jsonl")
        assert not (tmp_path / "c" / f"{split}.jsonl").exists()


def test_split_by_template_keeps_test_phrasings_out_of_train():
    g = load()
    g.hold_out(0.25, 9)
    eng = Engine(Settings(seed=9), g)
    train_templates = {t.template for i in range(300) for t in eng.conversation(i, "train").turns}
    test_final = {eng.conversation(i, "test").answer.template for i in range(300, 400)}
    assert train_templates.isdisjoint(g.held_out)
    assert test_final <= g.held_out and len(test_final) > 20


def test_split_by_template_end_to_end(tmp_path):
    r = mtgen("generate", "--n", "200", "--split-by", "template", "--seed", "4", "--out", tmp_path / "d")
    assert r.returncode == 0, r.stderr
    train_users = {t["content"] for row in read_rows(tmp_path / "d" / "train.jsonl")
                   for t in json.loads(row["question"]) if t["role"] == "user"}
    test_last = [json.loads(row["question"])[-1]["content"] for row in read_rows(tmp_path / "d" / "test.jsonl")]
    assert len(test_last) >= 20 and not train_users & set(test_last)


def test_student_and_teacher_go_into_config(tmp_path):
    import yaml
    r = mtgen("generate", "--n", "40", "--out", tmp_path / "d", "--student", "Qwen3-1.7B",
              "--teacher", "openai.gpt-oss-120b")
    assert r.returncode == 0, r.stderr
    assert yaml.safe_load((tmp_path / "d" / "config.yaml").read_text())["base"] == {
        "task": "multi-turn-tool-calling-closed-book", "student_model_name": "Qwen3-1.7B",
        "teacher_model_name": "openai.gpt-oss-120b"}


def test_small_split_warns(tmp_path):
    r = mtgen("generate", "--n", "40", "--out", tmp_path / "d")
    assert r.returncode == 0
    assert re.search(r"warning: test split has \d+ rows; the platform needs at least 20", r.stderr)


def test_readme_sample_is_real_output(default_run):
    """The README shows train.jsonl line 37 of `--n 500 --seed 1`; it must stay true."""
    from helpers import ROOT
    readme = (ROOT / "README.md").read_text()
    line = (default_run / "train.jsonl").read_text().splitlines()[36]
    assert line in readme


def test_output_is_identical_for_any_worker_count_and_shards_concatenate(tmp_path):
    base = ["generate", "--n", "300", "--seed", "6", "--split-by", "template"]
    assert mtgen_process(*base, "--workers", "1", "--out", tmp_path / "w1").returncode == 0
    assert mtgen_process(*base, "--workers", "3", "--out", tmp_path / "w3").returncode == 0
    for k in (1, 2, 3):
        r = mtgen_process(*base, "--workers", "2", "--shard", f"{k}/3", "--out", tmp_path / f"s{k}")
        assert r.returncode == 0, r.stderr
    for split in ("train", "test"):
        one = (tmp_path / "w1" / f"{split}.jsonl").read_bytes()
        assert (tmp_path / "w3" / f"{split}.jsonl").read_bytes() == one
        assert b"".join((tmp_path / f"s{k}" / f"{split}.jsonl").read_bytes() for k in (1, 2, 3)) == one
    sizes = [len(read_rows(tmp_path / f"s{k}" / "train.jsonl")) + len(read_rows(tmp_path / f"s{k}" / "test.jsonl"))
             for k in (1, 2, 3)]
    assert sizes == [100, 100, 100]


def test_emit_state_does_not_change_the_rows(tmp_path, default_run):
    assert mtgen("generate", "--n", "500", "--seed", "1", "--out", tmp_path / "d").returncode == 0
    for split in ("train", "test"):
        assert (tmp_path / "d" / f"{split}.jsonl").read_bytes() == (default_run / f"{split}.jsonl").read_bytes()


def test_assembled_json_equals_json_dumps():
    """serialize.to_row builds the JSON from fragments; it must be exactly json.dumps of the structure."""
    from generator.serialize import call_turn, to_row
    eng = Engine(Settings(seed=3, noise=0.5), load())
    for i in range(300):
        d = eng.conversation(i)
        msgs = []
        for t in d.turns[:-1]:
            msgs += [{"role": "user", "content": t.text}, call_turn(t.tool, t.args)]
        msgs.append({"role": "user", "content": d.turns[-1].text})
        q, a = to_row(d)
        assert q == json.dumps(msgs, ensure_ascii=False)
        assert a == json.dumps({"name": d.answer.tool, "parameters": d.answer.args}, ensure_ascii=False)


def test_jsonl_line_equals_json_dumps():
    """serialize.jsonl_line escapes JSON texts with bytes.replace; its bytes must be json.dumps's, for generated
    rows and for any character a text may hold (control characters, quotes, backslashes, non-ASCII)."""
    from generator.serialize import jsonl_line, to_row

    def expected(q, a):
        return (json.dumps({"question": q, "answer": a}, ensure_ascii=False) + "\n").encode()

    eng = Engine(Settings(seed=4, noise=0.5), load())
    for i in range(200):
        q, a = to_row(eng.conversation(i))
        assert jsonl_line(q, a) == expected(q, a)
    odd = 'say "hi" \\ C:\\tmp\n\t\r\x00\x1f\x7f \u00e9 \u2028 \U0001f600 \\u0041'
    for q, a in [(json.dumps([{"role": "user", "content": odd}], ensure_ascii=False),
                  json.dumps({"name": "cat", "parameters": {"file_name": odd}}, ensure_ascii=False)),
                 (json.dumps([{"content": odd}], indent=2), '{"name": "ls", "parameters": {}}'),  # raw line feeds
                 ("[]", json.dumps({"x": odd}, indent="\t"))]:
        assert jsonl_line(q, a) == expected(q, a), (q, a)


def test_argument_encoder_equals_json_dumps():
    """enc_args writes flat str/bool dicts itself and must fall back to json for anything else
    (augment passes users' arguments through it: numbers, lists, nested objects, odd characters)."""
    from generator.serialize import enc_args
    cases = [{}, {"a": True}, {"a": False}, {"file_name": 'q"uo\\te\n\u00e9\u2028\ud83d\ude00.txt'},
             {"source": "x", "destination": "y"}, {"n": 3}, {"x": None}, {"l": [1, "a"]}, {"o": {"k": 1.5}},
             {"a": "x", "b": 2}, {1: "int key"}]
    for args in cases:
        assert enc_args(args) == json.dumps(args, ensure_ascii=False), args


def test_ordinal_requests_count_every_file_we_created():
    """'the second X we created' must count all files created, so X is 'file' (or 'folder'), never a narrower
    kind such as 'document' that would count only documents."""
    eng = Engine(Settings(seed=12), load())
    seen = 0
    for i in range(1500):
        d = eng.conversation(i)
        for t in d.turns:
            if t.form == "rm.ordinal":
                seen += 1
                assert not re.search(r"document|picture|script|note|spreadsheet|config|recording|archive|log",
                                     t.text), t.text
    assert seen > 10


def test_bytes_do_not_depend_on_the_interpreters_hash_seed(tmp_path):
    """Another machine is another hash seed: set or dict-order accidents would show here."""
    import os
    import subprocess
    import sys
    from helpers import ROOT
    outs = []
    for hs in ("1", "4242"):
        out = tmp_path / hs
        env = {**os.environ, "PYTHONHASHSEED": hs}
        r = subprocess.run([sys.executable, "-m", "generator", "generate", "--n", "300", "--seed", "3",
                            "--split-by", "template", "--out", str(out)], env=env, cwd=ROOT, capture_output=True)
        assert r.returncode == 0, r.stderr
        outs.append([(out / f).read_bytes() for f in ("train.jsonl", "test.jsonl")])
    assert outs[0] == outs[1]
