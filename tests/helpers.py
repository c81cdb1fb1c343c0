"""Shared test helpers: run the CLI in-process and read datasets back."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def mtgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `mtgen` as a user would (a real process: exit codes and stderr as scripts see them)."""
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT)


def read_rows(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with open(path, newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def calls_of(row: dict) -> tuple[list[dict], list[tuple[str, dict]], tuple[str, dict]]:
    """(turns, earlier calls, answer call) of one row."""
    turns = json.loads(row["question"])
    calls = [(t["tool_calls"][0]["function"]["name"], t["tool_calls"][0]["function"]["arguments"])
             for t in turns if t["role"] == "assistant"]
    ans = json.loads(row["answer"])
    return turns, calls, (ans["name"], ans["parameters"])
