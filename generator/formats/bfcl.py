"""Berkeley Function Calling Leaderboard multi-turn entries, scorable with its own harness.

Each row becomes an entry (`id`, `question` as one list of user messages per turn, `initial_config` with
the conversation's starting tree in GorillaFileSystem's layout, `path`, `involved_classes`) and a
`possible_answer` line with the ground-truth call strings of every turn.  Needs each conversation's
starting tree: `generate --format bfcl` keeps it; `convert` reads the `*.state.jsonl` sidecar that
`generate --emit-state` writes."""
from __future__ import annotations

import ast
import json

NEEDS_STATE = True
CLASS = "GorillaFileSystem"


def call_string(name: str, args: dict) -> str:
    """ls(a=True), cd(folder='docs'): the ground-truth form BFCL compares."""
    return f"{name}(" + ", ".join(f"{k}={v!r}" for k, v in args.items()) + ")"


def parse_call(text: str) -> tuple[str, dict]:
    node = ast.parse(text, mode="eval").body
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name) or node.args:
        raise ValueError(f"not a keyword call: {text!r}")
    args = {}
    for kw in node.keywords:
        if kw.arg is None:
            raise ValueError(f"not a keyword call: {text[:80]!r}")
        args[kw.arg] = ast.literal_eval(kw.value)
    json.dumps(args, allow_nan=False)  # a JSON value (no sets, bytes or infinities): ValueError/TypeError if not
    return node.func.id, args


def to_row(turns: list, answer: dict, tools: list, task: str, state: dict | None = None, index: int = 0) -> dict:
    if state is None:
        raise ValueError("bfcl needs the starting file-system tree of each conversation (generate with --emit-state)")
    questions, truth = [], []
    for t in turns:
        if t["role"] == "user":
            questions.append([{"role": "user", "content": t["content"]}])
        else:
            fn = t["tool_calls"][0]["function"]
            truth.append([call_string(fn["name"], fn["arguments"])])
    truth.append([call_string(answer["name"], answer["parameters"])])
    entry_id = f"mtgen_multi_turn_{index}"
    entry = {"id": entry_id, "question": questions,
             "initial_config": {CLASS: {"root": {state["root"]: state["initial_config"]}}},
             "path": [f"{CLASS}.{parse_call(c[0])[0]}" for c in truth],
             "involved_classes": [CLASS]}
    return {"entry": entry, "possible_answer": {"id": entry_id, "ground_truth": truth}}


def from_row(row: dict) -> tuple[list, dict]:
    """From {"entry": ..., "possible_answer": ...} (the two files zipped line by line)."""
    entry, truth = row["entry"], row["possible_answer"]["ground_truth"]
    if not isinstance(truth, list) or not isinstance(entry["question"], list) or len(truth) != len(entry["question"]):
        raise ValueError(f"{len(entry['question'])} turns but "
                         f"{len(truth) if isinstance(truth, list) else 'no list of'} ground_truth entries")
    turns = []
    for i, q in enumerate(entry["question"]):
        turns.append({"role": "user", "content": q[0]["content"]})
        if i < len(entry["question"]) - 1:
            name, args = parse_call(truth[i][0])
            turns.append({"role": "assistant", "content": "", "tool_calls": [
                {"type": "function", "function": {"name": name, "arguments": args}}]})
    name, args = parse_call(truth[-1][0])
    return turns, {"name": name, "parameters": args}
