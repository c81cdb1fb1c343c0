"""Throughput benchmark (not a test): prints numbers, asserts nothing.

  generate   conversations/s of a whole `mtgen generate --n N --workers 1` process, start-up included
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


def baseline(folder: Path, out: Path, repeat: int) -> float:
    """Seconds to serialise the same rows with json alone (objects already in memory)."""
    records = []
    for split in ("train", "test"):
        for line in (folder / f"{split}.jsonl").read_text().splitlines():
            row = json.loads(line)
            records.append((json.loads(row["question"]), json.loads(row["answer"])))
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        with open(out, "w", encoding="utf-8") as f:
            for q, a in records:
                f.write(json.dumps({"question": json.dumps(q, ensure_ascii=False),
                                    "answer": json.dumps(a, ensure_ascii=False)}, ensure_ascii=False) + "\n")
        best = min(best, time.perf_counter() - t)
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
        t_base = baseline(tmp / "g", tmp / "baseline.jsonl", a.repeat)
        cores = os.cpu_count() or 1
        t_par = run(["generate", "--n", str(a.n), "--seed", "1", "--workers", str(cores), "--out", str(tmp / "p"), "--force"],
                    a.repeat)
        size = sum((tmp / "g" / f).stat().st_size for f in ("train.jsonl", "test.jsonl"))
        t_val = run(["validate", str(tmp / "g")], a.repeat)
        print(f"generate  --n {a.n}, 1 process : {a.n / t_gen:10,.0f} conversations/s  ({t_gen:.2f} s, start-up included)")
        print(f"baseline  json serialise only : {a.n / t_base:10,.0f} rows/s           ({t_base:.2f} s)")
        print(f"ratio     generate / baseline : {t_gen / t_base:10.1f} x")
        print(f"generate  --workers {cores}         : {a.n / t_par:10,.0f} conversations/s  ({t_par:.2f} s)")
        print(f"validate  {size / 1e6:.1f} MB             : {size / 1e6 / t_val:10.1f} MB/s             ({t_val:.2f} s)")
        if a.memory_n:
            small = peak_rss_mb(["generate", "--n", "10000", "--workers", "1", "--out", str(tmp / "m1")])
            large = peak_rss_mb(["generate", "--n", str(a.memory_n), "--workers", "1", "--out", str(tmp / "m2")])
            print(f"memory    peak RSS --n 10000 {small:.0f} MB, --n {a.memory_n} {large:.0f} MB: {large / small:.2f} x")


if __name__ == "__main__":
    main()
