"""Your tools, your grammar (the schema domain): init, generate, validate, mutate and show on any job."""
import json

import pytest

# exit codes and output read the same from the entry point run in this process (helpers.mtgen_in_process);
# the tests about worker processes, a fresh process's determinism or a process group stay real processes
from helpers import REALDATA_SMALL, ROOT, read_rows
from helpers import mtgen as mtgen_process
from helpers import mtgen_in_process as mtgen

JOBS = {"smart-home": REALDATA_SMALL / "distil-smart-home" / "job_description.json",
        "banking": REALDATA_SMALL / "distil-voice-assistant-banking" / "job_description.json"}


def _answers(folder):
    return [json.loads(r["answer"]) for s in ("train", "test") for r in read_rows(folder / f"{s}.jsonl")]


def _context_share(folder) -> float:
    from generator.stats import compute
    return compute(folder)["splits"]["train"]["context_dependent_share"]


@pytest.fixture(scope="module", params=sorted(JOBS))
def initialised(request, tmp_path_factory):
    """mtgen init + mtgen generate --n 300 on a real job description, untouched starter grammar."""
    tmp = tmp_path_factory.mktemp(request.param)
    r = mtgen("init", "--job", JOBS[request.param], "--out", tmp / "g")
    assert r.returncode == 0, r.stderr
    r = mtgen("generate", "--job", JOBS[request.param], "--grammars", tmp / "g", "--n", "300", "--out", tmp / "d")
    assert r.returncode == 0, r.stderr
    return request.param, tmp


def test_init_then_generate_is_valid_uses_every_tool_and_refers_back(initialised):
    name, tmp = initialised
    r = mtgen("validate", tmp / "d")
    assert r.returncode == 0 and "no problems found" in r.stdout + r.stderr, r.stdout + r.stderr
    job = json.loads(JOBS[name].read_text())
    assert json.loads((tmp / "d" / "job_description.json").read_text()) == job  # the user's own, as given
    assert {a["name"] for a in _answers(tmp / "d")} == {t["function"]["name"] for t in job["tools"]}
    assert _context_share(tmp / "d") >= 0.30


def test_init_writes_a_slot_per_parameter_and_values_from_the_schema(initialised):
    name, tmp = initialised
    job = json.loads(JOBS[name].read_text())
    for t in job["tools"]:
        f = t["function"]
        text = (tmp / "g" / f"{f['name']}.txt").read_text()
        assert f"[{f['name']}]" in text
        for p, schema in f["parameters"]["properties"].items():
            assert "{{ " + p + " }}" in text
            if "enum" in schema:
                files = [tmp / "g" / "values" / f"{f['name']}.{p}.txt", tmp / "g" / "values" / f"{p}.txt"]
                values = next(x for x in files if x.exists()).read_text()
                assert all(str(v) in values for v in schema["enum"])


@pytest.mark.parametrize("name", sorted(JOBS))
def test_shipped_examples_generate_valid_varied_data(tmp_path, name):
    r = mtgen("generate", "--job", JOBS[name], "--grammars", ROOT / "grammars" / name, "--n", "500", "--seed", "3",
              "--out", tmp_path / "d")
    assert r.returncode == 0, r.stderr
    r = mtgen("validate", tmp_path / "d")
    assert r.returncode == 0 and "no problems found" in r.stdout + r.stderr, r.stdout + r.stderr
    job = json.loads(JOBS[name].read_text())
    assert {a["name"] for a in _answers(tmp_path / "d")} == {t["function"]["name"] for t in job["tools"]}
    assert _context_share(tmp_path / "d") >= 0.30
    assert mtgen("mutate", tmp_path / "d", "--out", tmp_path / "bad").returncode == 0


def test_same_bytes_for_any_worker_count(tmp_path):
    args = ["generate", "--job", JOBS["smart-home"], "--grammars", ROOT / "grammars" / "smart-home", "--n", "300"]
    assert mtgen_process(*args, "--workers", "1", "--out", tmp_path / "a").returncode == 0
    assert mtgen_process(*args, "--workers", "2", "--out", tmp_path / "b").returncode == 0
    for f in ("train.jsonl", "test.jsonl", "job_description.json", "config.yaml"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def _engine(name):
    from generator.domains import load
    from generator.engine import Engine, Settings
    domain, g = load(JOBS[name], ROOT / "grammars" / name)
    return Engine(Settings(seed=2, tools=tuple(domain.tools)), g, domain=domain)


@pytest.mark.parametrize("name", sorted(JOBS))
def test_references_name_the_previous_call(name):
    """`.same`: the previous call to the same tool with exactly one value changed or added; `.it`: every
    value the request does not say comes from the previous call (by name or a domain.yaml alias)."""
    eng = _engine(name)
    rules = eng.domain.tools
    seen = {"same": 0, "it": 0}
    for i in range(400):
        d = eng.conversation(i)
        if len(d.turns) < 2:
            continue
        prev, last = d.turns[-2], d.turns[-1]
        kind = last.form.rsplit(".", 1)[-1] if "." in last.form else "direct"
        if kind == "same":
            seen["same"] += 1
            assert last.tool == prev.tool
            changed = {k for k in set(prev.args) | set(last.args) if prev.args.get(k) != last.args.get(k)}
            assert len(changed) == 1 and set(prev.args) <= set(last.args), (prev, last)
        elif kind == "it":
            seen["it"] += 1
            from generator.domains.schema.settings import load_settings
            tmpl_slots = next(t.slots for t in eng.g.by_form[last.form] if t.id == last.template)
            carried = {k: v for k, v in last.args.items() if k not in tmpl_slots}
            assert carried, (prev, last)
            aliases = load_settings(ROOT / "grammars" / name, {t: tuple(p.name for p in r.params)
                                                             for t, r in rules.items()}).tools
            for k, v in carried.items():
                sources = [k, *(aliases[last.tool].carry.get(k, []) if last.tool in aliases else [])]
                assert any(prev.args.get(s) == v for s in sources), (k, v, prev, last)
    assert seen["same"] > 5 and seen["it"] > 5, seen


@pytest.mark.parametrize("with_grammar,args,message", [
    (False, [], "--job needs --grammars"),
    (True, ["--emit-state"], "need starting file-system trees"),
    (True, ["--tools", "toggle_lights,nope"], "unknown tool 'nope'"),
])
def test_bad_usage_with_a_job_is_one_line(tmp_path, with_grammar, args, message):
    assert mtgen("init", "--job", JOBS["smart-home"], "--out", tmp_path / "g").returncode == 0
    grammar = ["--grammars", tmp_path / "g"] if with_grammar else []
    r = mtgen("generate", "--job", JOBS["smart-home"], *grammar, *args, "--out", tmp_path / "d")
    assert r.returncode == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())


@pytest.mark.parametrize("edit,message", [
    (("domain.yaml", "tools:\n  toggle_lights: {colour: red}\n"), "domain.yaml: tools.toggle_lights.colour"),
    (("domain.yaml", "tools:\n  nope: {first: true}\n"), "tools.nope: no such tool"),
    (("values/door.txt", "front\nattic\n"), "door.txt:2: 'attic' does not fit the parameter's schema"),
    (("values/get_device_status.room.txt", "living_room = the lounge\n"), "does not contain it"),
    (("toggle_lights.txt", "[toggle_lights]\nTurn [{{ state }}] the lights in {{ room }}.\n"), "toggle_lights.txt:2:"),
    (("set_scene.txt", "[set_scene]\nStart {{ mood }}.\n"), "unknown slot 'mood'"),
])
def test_a_bad_grammar_folder_is_one_line_naming_file_and_field(tmp_path, edit, message):
    assert mtgen("init", "--job", JOBS["smart-home"], "--out", tmp_path / "g").returncode == 0
    path, text = edit
    (tmp_path / "g" / path).write_text(text)
    r = mtgen("generate", "--job", JOBS["smart-home"], "--grammars", tmp_path / "g", "--out", tmp_path / "d")
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_a_job_that_is_not_a_job_is_one_line(tmp_path):
    (tmp_path / "job.json").write_text('{"task_description": "x", "tools": [{"type": "function"}]}')
    r = mtgen("init", "--job", tmp_path / "job.json", "--out", tmp_path / "g")
    assert r.returncode == 2 and "tools.0.function" in r.stderr and not (tmp_path / "g").exists(), r.stderr


def test_show_prints_calls_the_answer_and_what_a_reference_resolves(tmp_path):
    out = tmp_path / "d"
    assert mtgen("generate", "--n", "60", "--seed", "2", "--out", out).returncode == 0
    r = mtgen("show", out, "--n", "60")
    assert r.returncode == 0, r.stderr
    blocks = r.stdout.split("── ")[1:]
    assert len(blocks) == 48  # every train row of 60
    rows = read_rows(out / "train.jsonl")
    for block, row in zip(blocks, rows):
        answer = json.loads(row["answer"])
        assert f"► answer: {answer['name']}(" in block
        turns = json.loads(row["question"])
        assert block.count(" user: ") == sum(t["role"] == "user" for t in turns)
    assert "resolved from turn" in r.stdout  # some answer names what an earlier turn named
    one = mtgen("show", out, "--row", "3")
    assert one.returncode == 0 and "train row 3 " in one.stdout and one.stdout.count("── ") == 1
    assert mtgen("show", out, "--seed", "5", "--n", "4").stdout.count("── ") == 4
    bad = mtgen("show", out, "--row", "999")
    assert bad.returncode == 2 and "no row 999" in bad.stderr


def test_augment_rephrases_and_continues_seeds_of_your_tools(tmp_path):
    """With the job's grammar folder, augment re-words a seed's direct requests and plans new turns after
    it; everything it writes is valid against the user's job."""
    src = REALDATA_SMALL / "distil-smart-home"
    r = mtgen("augment", src, "--grammars", ROOT / "grammars" / "smart-home", "--n", "200", "--out", tmp_path / "a")
    assert r.returncode == 0, r.stderr
    counts = dict(x.split(" ") for x in r.stdout.split("rows per technique: ")[1].splitlines()[0].split(", "))
    assert int(counts["rephrase"]) > 0 and int(counts["continue"]) > 0, counts
    v = mtgen("validate", tmp_path / "a")
    assert v.returncode == 0 and "no problems found" in v.stdout + v.stderr, v.stdout + v.stderr
    seeds = {json.loads(x["question"])[0]["content"] for x in read_rows(src / "train.jsonl")}
    longer = [row for row in read_rows(tmp_path / "a" / "train.jsonl")
              if len(json.loads(row["question"])) > 1 and json.loads(row["question"])[0]["content"] in seeds]
    assert longer  # continued conversations keep the seed's opening turn


def test_domain_rules_make_sequences_coherent():
    """grammars/smart-home/domain.yaml: lights and locks have a state (never set to what they already are)
    and a door status question asks about a room with a door (values that go together)."""
    eng = _engine("smart-home")
    checked = 0
    for i in range(600):
        state: dict = {}
        for t in eng.conversation(i).turns:
            a = t.args
            for tool, key, value in (("toggle_lights", "room", "state"), ("lock_door", "door", "state")):
                if t.tool == tool and key in a and value in a:
                    assert state.get((tool, a[key])) != a[value], (i, t)
                    state[tool, a[key]] = a[value]
                    checked += 1
            if t.tool == "get_device_status" and a.get("device_type") == "door" and "room" in a:
                assert a["room"] in ("garage", "hallway", "kitchen", "living_room"), (i, t)
    assert checked > 200


@pytest.mark.parametrize("rule,message", [
    ("toggle_lights: {state: {key: [colour], value: state}}", "toggle_lights has no parameter 'colour'"),
    ("get_device_status: {together: [{when: {device_type: [door]}, then: {floor: [1]}}]}", "together.0"),
    ("lock_door: {differ: [[door, window]]}", "lock_door has no parameter 'window'"),
])
def test_domain_rules_name_real_parameters(tmp_path, rule, message):
    assert mtgen("init", "--job", JOBS["smart-home"], "--out", tmp_path / "g").returncode == 0
    (tmp_path / "g" / "domain.yaml").write_text("tools:\n  " + rule + "\n")
    r = mtgen("generate", "--job", JOBS["smart-home"], "--grammars", tmp_path / "g", "--out", tmp_path / "d")
    assert r.returncode == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_any_parameter_type_gives_valid_calls_and_a_value_that_breaks_the_schema_is_one_line(tmp_path):
    """Arrays, objects and bounded numbers: init writes values of the right type, every generated call
    validates, and a value file that breaks the parameter's schema is refused with its file and line."""
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"task_description": "Tag things.", "tools": [{"type": "function", "function": {
        "name": "tag", "parameters": {"type": "object", "required": ["labels"], "properties": {
            "labels": {"type": "array", "items": {"type": "string"}}, "meta": {"type": "object"},
            "n": {"type": "number", "minimum": 0, "maximum": 5}}}}}]}))
    assert mtgen("init", "--job", job, "--out", tmp_path / "g").returncode == 0
    assert mtgen("generate", "--job", job, "--grammars", tmp_path / "g", "--n", "120", "--out", tmp_path / "d").returncode == 0
    v = mtgen("validate", tmp_path / "d")
    assert v.returncode == 0 and "no problems found" in v.stdout + v.stderr, v.stdout + v.stderr
    (tmp_path / "g" / "values" / "n.txt").write_text("# counts\n3\n60..99\n")
    r = mtgen("generate", "--job", job, "--grammars", tmp_path / "g", "--out", tmp_path / "e")
    assert r.returncode == 2 and "n.txt:3: range '60..99' does not fit" in r.stderr, r.stderr
    (tmp_path / "g" / "values" / "n.txt").write_text("3\n")
    (tmp_path / "g" / "values" / "labels.txt").write_text("urgent\n")
    r = mtgen("generate", "--job", job, "--grammars", tmp_path / "g", "--out", tmp_path / "e")
    assert r.returncode == 2 and "labels.txt:1: 'urgent' is not a JSON array" in r.stderr, r.stderr
