"""Fill the README's generated sections from real runs (`make readme`): the tool table, the sample row and
its `mtgen show` rendering, the human figures of `mtgen stats`, and the side-by-side with the real datasets.
Tests check that what the README shows is still what the commands print."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MTGEN = [sys.executable, "-m", "generator"]
SAMPLE_ROW = 37
REAL = {"smart-home": "distil-smart-home", "banking": "distil-voice-assistant-banking"}


def run(*args) -> str:
    return subprocess.run([*MTGEN, *map(str, args)], check=True, capture_output=True, text=True, cwd=ROOT).stdout


def put(text: str, marker: str, body: str) -> str:
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    i, j = text.index(start) + len(start), text.index(end)
    return text[:i] + "\n" + body.rstrip("\n") + "\n" + text[j:]


def sample(tmp: Path) -> str:
    out = tmp / "data"
    run("generate", "--n", 500, "--seed", 1, "--out", out)
    line = (out / "train.jsonl").read_text().splitlines()[SAMPLE_ROW - 1]
    shown = run("show", out, "--row", SAMPLE_ROW)
    return (f"`train.jsonl` line {SAMPLE_ROW} of the set-up command's dataset, as stored (the upload format: two "
            f"string fields)\n\n```\n{line}\n```\n\nand as `.venv/bin/mtgen show data/ --row {SAMPLE_ROW}` prints it "
            f"(each call as written, the answer marked, what a reference resolves to):\n\n```\n{shown}```")


def figures(tmp: Path) -> str:
    out = tmp / "fig"
    run("generate", "--n", 2000, "--seed", 1, "--out", out)
    h = json.loads(run("stats", out, "--json"))["splits"]["train"]["human"]
    rows = [("words per user turn", f"{h['words_per_user_turn']:.1f}", ">= 12"),
            ("distinct-2 of final requests (2,000 tokens)", f"{h['distinct_2']:.2f}", ">= 0.70"),
            ("quoted-name share", f"{h['quoted_name_share']:.0%}", "20-60%"),
            ("shell-style share", f"{h['shell_style_share']:.0%}", "<= 5%"),
            ("back-reference share", f"{h['back_reference_share']:.0%}", ">= 35%"),
            ("object continuity", f"{h['object_continuity']:.0%}", ">= 60%"),
            ("reading calls on media/office files", f"{h['reading_calls_on_non_text']} of {h['reading_calls']}", "0")]
    return "| figure | measured | target (issue 13) |\n|---|---|---|\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)


def side(tmp: Path) -> str:
    import generator.realism as realism
    from generator.convert import records
    from generator.stats import reference_style
    from collections import Counter

    def measure(folder: Path, budget: int):
        realism.TOKEN_BUDGET = budget
        f, tools, n, ctx = realism.Figures(), Counter(), 0, 0
        for split in ("train", "test"):
            for _, turns, answer, _ in records(folder, "distil", split):
                f.add(turns, answer)
                tools[answer["name"]] += 1
                n += 1
                ctx += reference_style(turns[-1]["content"], answer) != "direct"
        return f.result(), tools, n, ctx / n

    out = []
    for name, real in REAL.items():
        real_dir = ROOT.parent / "shared" / "realdata" / real
        if not real_dir.is_dir():
            sys.exit(f"{real_dir}: the real datasets are needed for the side-by-side")
        gen = tmp / name
        run("generate", "--job", real_dir / "job_description.json", "--grammars", ROOT / "grammars" / name,
            "--n", 500, "--seed", 1, "--out", gen)
        hr, tr, nr, cr = measure(real_dir, 10 ** 9)
        budget = hr["token_budget"]["used"]
        hg, tg, ng, cg = measure(gen, budget)
        mix = lambda t, n: ", ".join(f"{k} {round(v / n * 100)}%" for k, v in t.most_common())  # noqa: E731
        out += [f"**{name}**: the real {nr} rows against 500 generated (`--seed 1`); distinct-2 on the first "
                f"{budget} tokens of final requests of each", "",
                "| figure | real | generated |", "|---|---|---|"]
        for k, label in (("words_per_user_turn", "words per user turn"), ("distinct_2", "distinct-2"),
                         ("back_reference_share", "back-reference share"), ("object_continuity", "object continuity")):
            out.append(f"| {label} | {hr[k]:.2f} | {hg[k]:.2f} |")
        out += [f"| context-dependent answers | {cr:.0%} | {cg:.0%} |",
                f"| answer tools | {mix(tr, nr)} | {mix(tg, ng)} |", ""]
    return "\n".join(out)


def main() -> None:
    from generator.domains.filesystem import tool_table
    readme = ROOT / "README.md"
    text = readme.read_text()
    table_start = text.index("| tool | arguments (default) |")
    table_end = text.index("\n\n", table_start)
    text = text[:table_start] + tool_table().rstrip("\n") + text[table_end:]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        text = put(text, "sample", sample(tmp))
        text = put(text, "figures", figures(tmp))
        text = put(text, "side", side(tmp))
    readme.write_text(text)
    print(f"updated {readme}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
