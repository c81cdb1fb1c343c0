"""Throughput benchmark (not a test): prints numbers, asserts nothing.

  generate   conversations/s of a whole `mtgen generate --n N --workers 1` process, start-up included: the
             default tools, --tools all, and the smart-home example job (grammars/smart-home)
  baseline   the same rows written by the json module alone (parse them, then time dumps + write):
             the cost of producing the bytes, against which generation is compared
  workers    the same run with one process per core
  validate   MB/s of a whole `mtgen validate` process on the generated files
  memory     peak RSS of generate at --n SMALL and --n LARGE (flat memory: the ratio should stay < 1.5)

Each time is the best of --repeat runs (as timeit does: the minimum is the run least disturbed by the
rest of the machine).  Everything runs pure Python.

Usage: python benchmarks/bench.py [--n 20000] [--repeat 3] [--memory-n 1000000]   (make bench)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MTGEN = [sys.executable, "-m", "generator"]


def run(args: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(MTGEN + args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t)
    return best


def peak_rss_mb(args: list[str]) -> float:
    """Peak RSS of a child process running mtgen.  VmHWM (Linux) is the child's own high-water mark;
    ru_maxrss is the fallback, but Linux carries it over from the forking parent across exec, so it
    reads at least this benchmark's own size."""
    code = ("import resource, runpy, sys; sys.argv = ['mtgen'] + sys.argv[1:]\n"
            "try:\n    runpy.run_module('generator', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "try:\n"
            "    hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]\n"
            "except OSError:\n"
            "    hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "print(hwm)")
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1]) / 1024


_BASELINE = r"""
import json, pickle, sys, time
records = pickle.load(open(sys.argv[1], "rb"))
t = time.perf_counter()
with open(sys.argv[2], "w", encoding="utf-8") as f:
    if sys.argv[3] == "json":
        for users, calls in records:
            q = []
            for i, (tool, args) in enumerate(calls):
                q.append({"role": "user", "content": users[i]})
                if i < len(calls) - 1:
                    q.append({"role": "assistant", "content": "", "tool_calls": [
                        {"type": "function", "function": {"name": tool, "arguments": args}}]})
            a = {"name": calls[-1][0], "parameters": calls[-1][1]}
            f.write(json.dumps({"question": json.dumps(q, ensure_ascii=False),
                                "answer": json.dumps(a, ensure_ascii=False)}, ensure_ascii=False) + "\n")
    else:
        from generator.serialize import exchanges_to_row
        from generator.outdir import RowWriter
        for users, calls in records:
            q, a = exchanges_to_row([(u, t, args) for u, (t, args) in zip(users, calls)])
            f.write('{"question": ' + json.dumps(q) + ', "answer": ' + json.dumps(a) + '}\n')
print(time.perf_counter() - t)
"""


def baseline(folder: Path, tmp: Path, how: str, repeat: int) -> float:
    """Seconds for a process that only serialises the same rows: its interpreter start-up and imports
    (timed as a process that does nothing else, as generate's start-up is inside its own time) plus the
    serialising and writing, timed inside it (reading the prepared rows is not counted)."""
    import pickle
    records = []
    for split in ("train", "test"):
        for line in (folder / f"{split}.jsonl").read_text().splitlines():
            row = json.loads(line)
            q, a = json.loads(row["question"]), json.loads(row["answer"])
            users = [t["content"] for t in q if t["role"] == "user"]
            calls = [(t["tool_calls"][0]["function"]["name"], t["tool_calls"][0]["function"]["arguments"])
                     for t in q if t["role"] == "assistant"] + [(a["name"], a["parameters"])]
            records.append((users, calls))
    data = tmp / "records.pickle"
    data.write_bytes(pickle.dumps(records))
    imports = "import json" if how == "json" else "import json; import generator.serialize, generator.outdir"
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", imports], check=True)
        start_up = time.perf_counter() - t
        out = subprocess.run([sys.executable, "-c", _BASELINE, str(data), str(tmp / "base.jsonl"), how],
                             check=True, capture_output=True, text=True).stdout
        best = min(best, start_up + float(out))
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best one counts")
    ap.add_argument("--memory-n", type=int, default=0, help="also measure peak RSS at this n (slow; e.g. 1000000)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t_gen = run(["generate", "--n", str(a.n), "--seed", "1", "--workers", "1", "--out", str(tmp / "g"), "--force"],
                    a.repeat)
        t_json = baseline(tmp / "g", tmp, "json", a.repeat)
        t_own = baseline(tmp / "g", tmp, "own", a.repeat)
        t_all = run(["generate", "--n", str(a.n), "--seed", "1", "--tools", "all", "--workers", "1",
                     "--out", str(tmp / "a"), "--force"], a.repeat)
        root = Path(__file__).resolve().parent.parent
        job = root / "tests" / "fixtures" / "realdata_small" / "distil-smart-home" / "job_description.json"
        t_home = run(["generate", "--n", str(a.n), "--seed", "1", "--job", str(job), "--grammars",
                      str(root / "grammars" / "smart-home"), "--workers", "1", "--out", str(tmp / "h"), "--force"],
                     a.repeat)
        cores = os.cpu_count() or 1
        t_par = run(["generate", "--n", str(a.n), "--seed", "1", "--workers", str(cores), "--out", str(tmp / "p"), "--force"],
                    a.repeat)
        size = sum((tmp / "g" / f).stat().st_size for f in ("train.jsonl", "test.jsonl"))
        t_val = run(["validate", str(tmp / "g")], a.repeat)
        print(f"each time is the best of {a.repeat} runs; start-up is included on both sides")
        print(f"generate  --n {a.n}, 1 process : {a.n / t_gen:10,.0f} conversations/s  ({t_gen:.2f} s)")
        print(f"generate  --tools all          : {a.n / t_all:10,.0f} conversations/s  ({t_all:.2f} s)")
        print(f"generate  smart-home (--job)   : {a.n / t_home:10,.0f} conversations/s  ({t_home:.2f} s)")
        print(f"baseline  json.dumps the rows  : {a.n / t_json:10,.0f} rows/s           ({t_json:.2f} s)")
        print(f"baseline  own row serialiser   : {a.n / t_own:10,.0f} rows/s           ({t_own:.2f} s)")
        print(f"ratio     generate / json.dumps: {t_gen / t_json:10.1f} x")
        print(f"ratio     generate / own serialiser: {t_gen / t_own:6.1f} x")
        print(f"generate  --workers {cores}         : {a.n / t_par:10,.0f} conversations/s  ({t_par:.2f} s)")
        print(f"validate  {size / 1e6:.1f} MB             : {size / 1e6 / t_val:10.1f} MB/s             ({t_val:.2f} s)")
        if a.memory_n:
            small = peak_rss_mb(["generate", "--n", "10000", "--workers", "1", "--out", str(tmp / "m1")])
            large = peak_rss_mb(["generate", "--n", str(a.memory_n), "--workers", "1", "--out", str(tmp / "m2")])
            print(f"memory    peak RSS --n 10000 {small:.0f} MB, --n {a.memory_n} {large:.0f} MB: {large / small:.2f} x")


if __name__ == "__main__":
    main()
