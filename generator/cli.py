"""The `mtgen` command line.  Parses options and calls one function per command; no logic of its own.

Exit codes scripts can trust: 0 success, 1 problems found (check commands), 2 bad usage or input.
"""
# No `from __future__ import annotations` here: Typer reads every command's annotations on every run, and
# an annotation kept as a string costs it a compile and an eval (~2% of generate's start-up).

import importlib
import re
import sys
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from . import grammar as grammar_mod
from .generate import GenerateOptions, UsageError, run
from .outdir import OutputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,
                  help="Manufacture multi-turn tool-calling datasets: for the 18 file-system tools of a simulated file system, or for your own tools (mtgen init, then generate --job).")
grammar_app = typer.Typer(no_args_is_help=True, help="Inspect and check phrasing grammars.")
app.add_typer(grammar_app, name="grammar")

# Terminal escape sequences (CSI, OSC, two-character ESC sequences) and the other C0/C1 control characters
# but tab and newline: a file name or value in a message must not recolour, retitle or clear the terminal.
# (Compiled by re on first use: most runs print only text in which nothing can match, see _clean.)
_CONTROLS = (r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[ -~]?)"
             r"|\x9b[0-?]*[ -/]*[@-~]?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MAX_MESSAGE = 2000  # characters of one error line (a 100,000-digit --seed is echoed back shortened)


def _clean(text: object) -> str:
    """User data fit for a plain terminal line: no escape sequences or control characters."""
    text = str(text)
    # every match starts with a control character, which no printable text holds
    return text if text.isprintable() else re.sub(_CONTROLS, "", text)


def _safe(text: object):
    """User data fit for rich: a Text is printed as it is, never read as markup ('[/bold]', '[link=...]')."""
    from rich.text import Text

    return Text(_clean(text))


def _one_line(text: object) -> str:
    line = " ".join(_clean(text).split())
    return line if len(line) <= _MAX_MESSAGE else line[:_MAX_MESSAGE] + "..."


def say(msg: object, err: bool = False) -> None:
    typer.echo(_clean(msg), err=err)


def fail(msg: str, code: int = 2) -> None:
    typer.echo(f"mtgen: error: {_one_line(msg)}", err=True)
    raise typer.Exit(code)


SEED_MAX = 2**64 - 1  # seeds are mixed in as 64-bit numbers (rng.py): 2**64 would repeat seed 0


def _check_seed(value: int) -> int:
    if not 0 <= value <= SEED_MAX:
        raise typer.BadParameter(f"must be a whole number with 0 <= SEED < 2**64 (got {value})")
    return value


def seed_option(what: str):
    """--seed, alike in every command: one range, one message."""
    return typer.Option(1, "--seed", callback=_check_seed, help=f"Seed, 0 <= SEED < 2**64: {what}")


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"mtgen {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Manufacture multi-turn tool-calling datasets: for the 18 file-system tools of a simulated file system, or for your own tools (mtgen init, then generate --job)."""


@app.command()
def generate(
    out: Path = typer.Option(Path("data"), "--out", "-o", help="Output folder (created; must be empty unless --force)."),
    n: Optional[int] = typer.Option(None, "--n", help="Number of rows in all (train + test).  [default: 500]"),
    seed: int = seed_option("the same seed and options give byte-identical files."),
    train: Optional[int] = typer.Option(None, "--train", help="Exact number of train rows, instead of --n. Alone, it "
                                        "adds test rows at --test-fraction (--train 100: 25 test rows); --test 0 for none."),
    test: Optional[int] = typer.Option(None, "--test", help="Exact number of test rows, instead of --n. Alone, it adds "
                                       "train rows at --test-fraction (--test 25: 100 train rows)."),
    test_fraction: float = typer.Option(0.2, "--test-fraction", help="Share of rows that go to the test split when "
                                        "using --n, or --train or --test alone."),
    split_by: str = typer.Option("conversation", "--split-by",
                                 help="'conversation': split whole conversations; 'template': test requests use "
                                      "phrasing templates that never appear in train (measures generalisation)."),
    fmt: str = typer.Option("distil", "--format", help="distil (the upload format as JSONL; also 'jsonl'), csv (the "
                            "same as CSV), messages, openai, sharegpt (+ dataset_info.json) or bfcl (+ possible_answer/)."),
    tools: Optional[str] = typer.Option(None, "--tools", help="Tools and presets, comma-separated: 'spec' (the 8 tools "
                                        "of the format's document: ls,cd,cat,mkdir,touch,rm,cp,mv; the default), 'all' "
                                        "(all 18 file-system tools), or names, e.g. 'spec,grep,wc' (see 'mtgen tools'). "
                                        "job_description.json lists exactly these. With --job: names of the job's tools."),
    min_turns: int = typer.Option(1, "--min-turns", help="Fewest earlier user/assistant exchanges before the request."),
    max_turns: int = typer.Option(5, "--max-turns", help="Most earlier user/assistant exchanges before the request."),
    context_share: float = typer.Option(0.4, "--context-share",
                                        help="Target share of requests answerable only from earlier turns "
                                             "('open it', 'go back up', 'the same for x')."),
    random_turns: float = typer.Option(0.2, "--random-turns",
                                       help="Share of earlier turns that leave the session's scenario for an "
                                            "unrelated request (0 to 1), one that stays in the session's folder "
                                            "and only looks (lists, reads, searches); the rest follow the scenario "
                                            "(grammars/filesystem/en/scenarios.txt)."),
    noise: float = typer.Option(0.08, "--noise", help="Share of user turns with a typo or casing noise (never in names)."),
    student: Optional[str] = typer.Option(None, "--student", help="Student model for config.yaml (Qwen3, Llama 3 or GPT-OSS family)."),
    teacher: Optional[str] = typer.Option(None, "--teacher", help="Teacher model for config.yaml: Qwen3-235B-A22B-Instruct-2507, "
                                          "Llama-3.1-405B-Instruct or openai.gpt-oss-120b."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="Grammar folder to use instead of the shipped "
                                            "grammars/filesystem/en (with --job: the phrasings of the job's tools)."),
    job: Optional[Path] = typer.Option(None, "--job", help="Generate for your own tools: a job_description.json, with "
                                       "--grammars FOLDER holding their phrasings (start one with 'mtgen init')."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty output folder, replacing the dataset files."),
    emit_state: bool = typer.Option(False, "--emit-state", help="Also write {train,test}.state.jsonl: each row's index and "
                                    "starting file-system tree (GorillaFileSystem layout), for replay and exports."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Worker processes [default: one per core; runs under "
                                          "2,000 rows use one]. The output is byte-identical for every count."),
    shard: str = typer.Option("1/1", "--shard", help="K/N: write only the K-th of N consecutive slices of the output "
                              "rows; the N outputs concatenated in order equal the unsharded run."),
) -> None:
    """Write train/test rows, job_description.json and config.yaml into OUT, ready to upload.

    Example: mtgen generate --n 500 --seed 1 --out data/
    Your own tools: mtgen generate --job job_description.json --grammars my-grammars/ --n 500 --out data/
    """
    if split_by not in ("conversation", "template"):
        fail(f"--split-by must be 'conversation' or 'template' (got {split_by!r})")
    from .formats.writer import CHOICES
    if fmt not in CHOICES:
        fail(f"--format must be one of {', '.join(CHOICES)} (got {fmt!r})")
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", shard)
    if not m:
        fail(f"--shard must look like K/N, e.g. 2/8 (got {shard!r})")
    shard_k, shard_n = int(m.group(1)) - 1, int(m.group(2))
    if tools is not None and not any(t.strip() for t in tools.split(",")):
        fail(f"--tools names no tool (got {tools!r}); leave it out for the default set (spec)")
    if n is None and (train is None) != (test is None) and 0 < test_fraction < 1:
        # one split given: the other follows from --test-fraction, never silently 0 rows
        if test is None and train >= 0:
            test = round(train * test_fraction / (1 - test_fraction))
        elif train is None and test >= 0:
            train = round(test * (1 - test_fraction) / test_fraction)
    opts = GenerateOptions(out=out, n=n, workers=workers, shard=(shard_k, shard_n), train=train, test=test, seed=seed, format=fmt, tools=tools,
                           test_fraction=test_fraction, split_by=split_by, min_turns=min_turns,
                           max_turns=max_turns, context_share=context_share, random_turns=random_turns, noise=noise, student=student,
                           teacher=teacher, grammars=grammars, force=force,
                           emit_state=emit_state, job=job)
    try:
        s = run(opts)
    except grammar_mod.GrammarError:
        raise  # a ValueError too, but main() reports it as a bad grammar
    except (UsageError, OutputError, ValueError) as e:  # ValueError: e.g. a grammar with no phrasing for --tools
        fail(str(e))
    total = s.rows["train"] + s.rows["test"]
    share = s.contextual / total if total else 0.0
    say(f"wrote {s.rows['train']} train + {s.rows['test']} test rows to {s.out} "
               f"({share:.0%} of answers need earlier turns)")
    for w in s.warnings:
        say(f"mtgen: warning: {w}", err=True)


@app.command()
def validate(
    paths: list[Path] = typer.Argument(..., help="A dataset folder (job_description.json, config.yaml, train/test "
                                       ".jsonl or .csv), or data files."),
    job: Optional[Path] = typer.Option(None, "--job", help="job_description.json for the files (default: the "
                                       "folder's, or the one beside the first file)."),
    config: Optional[Path] = typer.Option(None, "--config", help="config.yaml to check (default: the folder's)."),
    fmt: str = typer.Option("human", "--format", help="'human': 'file:line: CODE message' lines and a summary; "
                            "'json': one JSON object per problem per line (file, line, code, severity, message)."),
    min_rows: int = typer.Option(20, "--min-rows", help="Fewest rows a split file may have (the platform's minimum)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too."),
) -> None:
    """Check a dataset in the multi-turn tool-calling upload format, for any tool set.

    Exit 0: clean (warnings allowed unless --strict). 1: problems found. 2: bad usage.
    Every problem has a stable code (F files, J job description, C config, R/Q/A rows, S schema,
    X file-system consistency, W warnings, D duplicates and leakage); the README lists them.
    """
    from .validate import CODES, validate as run_validate

    if fmt not in ("human", "json"):
        fail(f"--format must be 'human' or 'json' (got {fmt!r})")
    if min_rows < 0:
        fail(f"--min-rows must be 0 or more (got {min_rows})")
    for p in [*paths, *(x for x in (job, config) if x is not None)]:
        if not p.exists():
            fail(f"{p}: no such file or folder")
    v = run_validate(list(paths), job, config, min_rows)
    problems = v.sorted_problems()
    if fmt == "json":
        import json as _json
        for p in problems:
            typer.echo(_json.dumps(p.as_dict(), ensure_ascii=False))
    else:
        for p in problems:
            say(p.human())
        _summary(v, problems, CODES)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if errors or (strict and warnings):
        raise typer.Exit(1)


def _summary(v, problems, codes) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True, highlight=False)
    files = Table(title="files", title_justify="left")
    files.add_column("file")
    files.add_column("split")
    files.add_column("rows", justify="right")
    for f in v.files:
        files.add_row(_safe(f.path), _safe(f.split), str(f.rows))
    console.print(files)
    if not problems:
        console.print(_safe("no problems found"))
        return
    counts = dict(getattr(v.problems, "counts", None) or {})  # every problem counted, not only those kept
    if not counts:
        for p in problems:
            counts[p.code] = counts.get(p.code, 0) + 1
    t = Table(title="problems", title_justify="left")
    t.add_column("code")
    t.add_column("count", justify="right")
    t.add_column("meaning")
    for code in sorted(counts):
        t.add_row(_safe(code), str(counts[code]), _safe(codes.get(code, "")))
    console.print(t)
    total = sum(counts.values())
    errors = getattr(v.problems, "errors", None)
    if errors is None:
        errors = sum(p.severity == "error" for p in problems)
    console.print(_safe(f"{errors} error(s), {total - errors} warning(s)"))
    note = v.problems.note() if hasattr(v.problems, "note") else None
    if note:
        console.print(_safe(note))


@app.command()
def mutate(
    src: Optional[Path] = typer.Argument(None, help="A dataset folder or a .jsonl/.csv file to corrupt."),
    out: Path = typer.Option(Path("mutated"), "--out", "-o", help="Output folder for the corrupted copy and manifest.jsonl."),
    seed: int = seed_option("which lines are corrupted, and how."),
    rate: float = typer.Option(0.3, "--rate", help="Share of rows to corrupt."),
    kinds: Optional[str] = typer.Option(None, "--kinds", help="Comma-separated kinds to use (default: all; see --list-kinds)."),
    job: Optional[Path] = typer.Option(None, "--job", help="job_description.json (default: the one in or beside SRC)."),
    check: Optional[str] = typer.Option(None, "--check", help="Score a validator: a shell command with {file}, run first "
                                        "on each clean input file (what it flags there is its false-positive result), "
                                        "then on each corrupted copy, e.g. 'mtgen validate {file}'. {file} becomes the "
                                        "file's path quoted for where it stands (bare, inside \"...\" or '...'): always "
                                        "one argument, and a file name never runs as code."),
    check_timeout: float = typer.Option(600.0, "--check-timeout", help="Seconds --check may run on one file before "
                                        "it is stopped (and mtgen fails)."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty output folder."),
    list_kinds: bool = typer.Option(False, "--list-kinds", help="Print the catalogue of corruption kinds and exit."),
) -> None:
    """Write a corrupted copy of a valid dataset plus a manifest of every defect (file, line, kind, change,
    expected validator code). Untouched lines stay byte-identical; the same seed gives the same output."""
    from . import mutate as mut

    if list_kinds:
        for name, (code, csv_code, _) in mut.KINDS.items():
            say(f"{name:22} {code}{'' if csv_code == code else f' (csv: {csv_code or chr(45)})'}")
        return
    if src is None:
        fail("missing SRC: a dataset folder or a .jsonl/.csv file")
    if kinds is not None and not kinds.strip(", "):
        fail("--kinds names no kind (leave it out for all of them; see --list-kinds)")
    if check is not None and "{file}" not in check:
        fail("--check needs '{file}' in the command, e.g. --check 'mtgen validate {file}'")
    if not check_timeout > 0:
        fail(f"--check-timeout must be a positive number of seconds (got {check_timeout:g})")
    try:
        res = mut.run(src, out, seed, rate, [k.strip() for k in kinds.split(",") if k.strip()] if kinds else None,
                      job, force)
    except (mut.MutateError, OutputError) as e:
        fail(str(e))
    say(f"wrote {len(res.mutations)} corrupted rows (of {sum(res.rows.values())}) to {res.out}; "
               f"manifest: {res.out / 'manifest.jsonl'}")
    if res.skipped_kinds:
        say(f"kinds that found no applicable row: {', '.join(sorted(res.skipped_kinds))}", err=True)
    if check:
        try:
            s = mut.score(res, check, check_timeout)
        except mut.MutateError as e:
            fail(f"{e} (the corrupted copy and its manifest are in {res.out})")
        _scoreboard(s)


def _scoreboard(s) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="validator scoreboard", title_justify="left")
    for col, just in (("kind", "left"), ("corrupted", "right"), ("caught", "right"), ("recall", "right")):
        t.add_column(col, justify=just)
    tot = [0, 0]
    for kind in sorted(s.per_kind):
        n, hit = s.per_kind[kind]
        tot[0] += n
        tot[1] += hit
        t.add_row(_safe(kind), str(n), str(hit), f"{hit / n:.0%}" if n else "-")
    t.add_row("all", str(tot[0]), str(tot[1]), f"{tot[1] / tot[0]:.0%}" if tot[0] else "-")
    console = Console(highlight=False)
    console.print(t)
    if s.false_positives is None:
        console.print(_safe("false positives: not measured: the check fails on the clean input without naming a line"))
    else:
        console.print(_safe(f"false positives: {s.false_positives} reported line(s) among {s.clean_lines} clean lines"))
    if getattr(s, "unscored", 0):
        console.print(_safe(f"not scored: {s.unscored} corrupted row(s) (see notes)"))
    for note in s.notes:
        console.print(_safe(f"note: {note}"))


@app.command()
def augment(
    seed_file: Path = typer.Argument(..., help="Seed conversations (.jsonl or .csv), or a dataset folder (its test "
                                     "split and config.yaml are kept)."),
    job: Optional[Path] = typer.Option(None, "--job", help="job_description.json the seeds use (default: SEEDS/"
                                       "job_description.json for a dataset folder)."),
    out: Path = typer.Option(Path("augmented"), "--out", "-o", help="Output folder (must be empty unless --force)."),
    n: int = typer.Option(500, "--n", help="Rows to write in all (train + test)."),
    seed: int = seed_option("the same seed and input give byte-identical files."),
    test_fraction: float = typer.Option(0.2, "--test-fraction", help="Share of seed conversations whose rows go to test."),
    fmt: str = typer.Option("distil", "--format", help="distil (JSONL; also 'jsonl'), csv, messages, openai or sharegpt."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Skip invalid seed lines instead of stopping."),
    grammars: Optional[Path] = typer.Option(None, "--grammars", help="Grammar folder for re-phrasing and continuations "
                                            "(for a job with tools of its own: their grammar folder, see 'mtgen init')."),
    student: Optional[str] = typer.Option(None, "--student", help="Student model for config.yaml."),
    teacher: Optional[str] = typer.Option(None, "--teacher", help="Teacher model for config.yaml."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty output folder."),
) -> None:
    """Grow a few seed examples into a larger, varied, still-correct dataset.

    Seeds are checked like `mtgen validate` first; bad lines are reported by number (exit 1, or skipped
    with --skip-invalid). Techniques: prefix expansion, consistent renaming, re-phrasing from grammars/ and
    simulator continuation (the last two only for the file-system tools the simulator models).
    """
    from . import augment as aug

    try:
        res, report = aug.run(seed_file, job, out, n, seed, test_fraction, fmt, skip_invalid, grammars,
                              student, teacher, force)
    except aug.AugmentError as e:
        lines = str(e).splitlines()
        for line in lines[:-1]:
            say(line, err=True)
        typer.echo(f"mtgen: error: {_one_line(lines[-1])}", err=True)
        raise typer.Exit(1 if len(lines) > 1 else 2)
    except grammar_mod.GrammarError:
        raise  # a ValueError too, but main() reports it as a bad grammar
    except (OutputError, ValueError) as e:
        fail(str(e))
    for line in report:
        say(f"skipped: {line}", err=True)
    say(f"wrote {res.rows['train']} train + {res.rows['test']} test rows from {res.seeds} seed(s) to {res.out}")
    say("rows per technique: " + ", ".join(f"{k} {v}" for k, v in res.by_technique.items()))
    if res.unmodeled_seeds and grammars is not None:
        say(f"{res.unmodeled_seeds} seed(s) use the job's own tools: re-phrased and continued from {grammars}")
    elif res.unmodeled_seeds:
        say(f"{res.unmodeled_seeds} seed(s) use tools the simulator does not model: prefix expansion and "
                   f"renaming only (give --grammars with their grammar folder to re-phrase and continue them)")
    for note in res.warnings:
        say(f"mtgen: warning: {note}", err=True)


@app.command()
def init(
    job: Path = typer.Option(..., "--job", help="The job_description.json of your tools."),
    out: Path = typer.Option(..., "--out", "-o", help="The grammar folder to create (must not exist or be empty)."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty folder (replaces the files it writes)."),
) -> None:
    """Scaffold a grammar folder for your own tools: one phrasing file per tool (a slot per parameter), value
    files from each parameter's enum, type, range and description, and a domain.yaml of rules guessed from
    the tool names.  It generates valid data as it is; edit it to make the data read like your users.

    Example: mtgen init --job job_description.json --out my-grammars/
             mtgen generate --job job_description.json --grammars my-grammars/ --n 500 --out data/
    """
    from .domains.base import DomainError
    from .domains.schema.scaffold import scaffold
    from .domains.schema.settings import load_job
    from .outdir import Staged, prepare
    try:
        spec = load_job(job)
    except DomainError as e:
        fail(str(e))
    files = scaffold(spec)
    try:
        prepare(out, force, inputs=[job])  # (locked against another run; refuses --out around the job file)
    except OutputError as e:
        fail(str(e))
    # every file is staged and renamed into place together: a failed write (a full disk) leaves nothing
    stage = Staged(out)
    try:
        for name, text in files.items():
            stage.text(name, text)
        stage.commit()
    except (OSError, OutputError) as e:
        stage.discard()
        fail(str(e) if isinstance(e, OutputError) else
             f"{out}: cannot write the grammar folder ({e.strerror or e}); nothing was written")
    say(f"wrote {len(files)} files to {out}: {len(spec.tools)} phrasing file(s), values/, domain.yaml")
    say(f"next: mtgen generate --job {job} --grammars {out} --n 500 --out data/")


@app.command()
def show(
    folder: Path = typer.Argument(..., help="A dataset folder in any format mtgen reads."),
    n: int = typer.Option(5, "--n", help="How many conversations to print."),
    split: str = typer.Option("train", "--split", help="train or test."),
    row: Optional[list[int]] = typer.Option(None, "--row", help="Print this row (1-based; repeat for more)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Print a seeded sample of --n rows instead of the first ones."),
) -> None:
    """Print conversations as a person reads them: each user turn, each call as cd(folder='docs'), the
    answer marked with ►, and for an answer value the last request does not say, the turn it comes from."""
    from .convert import ConvertError
    from .show import show as show_rows
    if split not in ("train", "test"):
        fail(f"--split must be 'train' or 'test' (got {split!r})")
    if n < 1:
        fail(f"--n must be >= 1 (got {n})")
    if seed is not None and not 0 <= seed < 2 ** 64:
        fail(f"--seed must be in 0 <= SEED < 2**64 (got {seed})")
    try:
        for text in show_rows(folder, n, split, row, seed):
            typer.echo(text)
    except ConvertError as e:
        fail(str(e))


@app.command("tools")
def tools_command() -> None:
    """List the file-system tools: their arguments, whether the default set (spec) has them, their forms."""
    from .domains.filesystem import tool_table
    typer.echo(tool_table(), nl=False)


@app.command()
def convert(
    src: Path = typer.Argument(..., help="A dataset folder in any format mtgen writes (detected from its files)."),
    to: str = typer.Option(..., "--to", help="distil, csv, messages, openai, sharegpt or bfcl."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (must be empty unless --force)."),
    force: bool = typer.Option(False, "--force", help="Write into a non-empty output folder."),
) -> None:
    """Convert a dataset folder to another format. Converting back to distil gives the original rows."""
    from . import convert as conv
    from .formats.writer import CHOICES

    if to not in CHOICES:
        fail(f"--to must be one of {', '.join(CHOICES)} (got {to!r})")
    try:
        counts = conv.run(src, to, out, force)
    except (conv.ConvertError, OutputError) as e:
        fail(str(e))
    except (ValueError, KeyError) as e:
        fail(f"{src}: cannot convert: {e}")
    say(f"wrote {counts['train']} train + {counts['test']} test rows as {to} to {out}")


@app.command()
def stats(
    src: Path = typer.Argument(..., help="A dataset folder, in any format mtgen reads (ours or anyone's)."),
    as_json: bool = typer.Option(False, "--json", help="Print the numbers as one JSON object instead of a report."),
) -> None:
    """What a dataset looks like: rows per split, answer tools, conversation lengths, context-dependent
    share and reference styles, distinct phrasings, longest example, duplicates and leakage."""
    import json as _json

    from . import stats as st
    from .convert import ConvertError

    if not src.is_dir():
        fail(f"{src}: not a dataset folder")
    try:
        s = st.compute(src)
    except ConvertError as e:
        fail(str(e))
    except (ValueError, KeyError, TypeError, IndexError) as e:
        fail(f"{src}: cannot read the rows ({type(e).__name__}: {e}); run 'mtgen validate' first")
    if as_json:
        typer.echo(_json.dumps(s, indent=2))
    else:
        st.render(s)


@grammar_app.command("check")
def grammar_check(
    directory: Optional[Path] = typer.Argument(None, help="Grammar folder (default: the shipped grammars/filesystem/en)."),
    job: Optional[Path] = typer.Option(None, "--job", help="The job description a folder of your own tools is for."),
) -> None:
    """Check every phrasing template; prints 'file:line: problem' and exits 1 if any is bad.

    Lines with Jinja of their own are rendered on many choices and slot values, and refused if any rendering
    fails, leaves out an argument value, or goes over the limits on work and length that generation keeps."""
    d = directory or grammar_mod.default_grammar_dir()
    if not d.is_dir():
        fail(f"{d}: no such grammar folder")
    if job is not None:
        from .domains import load as load_domain
        from .domains.base import DomainError
        from .domains.schema.settings import load_job
        try:  # a job we cannot use is bad input (exit 2); problems in the folder are what the check reports (1)
            load_job(job)
        except DomainError as e:
            fail(str(e))
        try:
            domain, g = load_domain(job, d)
        except DomainError as e:
            say(str(e))
            raise typer.Exit(1)
        say(f"{d}: {len(g.templates)} phrasings OK for {len(domain.tools)} tool(s) of {job}")
        return
    g, errors, warnings = grammar_mod.scan(d)
    for e in errors:
        say(e)
    for w in warnings:
        say(f"warning: {w}", err=True)
    if errors:
        say(f"{len(errors)} problem(s) in {d}", err=True)
        raise typer.Exit(1)
    from .domains.filesystem import with_scenarios
    try:
        scenarios = with_scenarios(g).scenarios
    except grammar_mod.GrammarError as e:
        say(str(e))
        say(f"1 problem in {d}", err=True)
        raise typer.Exit(1)
    per_tool: dict[str, int] = {}
    for t in g.templates:
        tool = t.form.split(".")[0]
        per_tool[tool] = per_tool.get(tool, 0) + 1
    say(f"{d}: {len(g.templates)} phrasings OK (" + ", ".join(f"{k} {v}" for k, v in per_tool.items()) + ")"
        + (f"; {len(scenarios)} scenarios OK" if scenarios else ""))


def _click_exception_modules() -> list:
    """click's exceptions module and that of the copy of click newer Typers vendor: those installed (looked
    for once: an import that fails searches every folder of sys.path)."""
    found = []
    for mod in ("click.exceptions", "typer._click.exceptions"):
        try:
            found.append(importlib.import_module(mod))
        except ImportError:
            continue
    return found


_CLICK_EXCEPTIONS = _click_exception_modules()


def _click_classes(name: str) -> tuple[type, ...]:
    """The exception class `name` from click and from the copy of click that newer Typers vendor."""
    return tuple(getattr(m, name) for m in _CLICK_EXCEPTIONS if hasattr(m, name))


_NO_ARGS = _click_classes("NoArgsIsHelpError")  # `mtgen` or `mtgen grammar` alone: help, not an error
_USAGE_ERRORS = _click_classes("UsageError")
_CLICK_ERRORS = _click_classes("ClickException")
_EXITS = (typer.Exit, *_click_classes("Exit"))
_ABORTS = (typer.Abort, *_click_classes("Abort"))


def _quiet_stdout() -> None:
    """Point standard output at the null device: what is still buffered for a full disk would otherwise fail
    again, with a traceback, when the interpreter flushes it at exit."""
    import os
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _empty_out(argv: list[str]) -> bool:
    """Whether the command line gives --out an empty string (`--out "$OUT"` with OUT unset), which a path
    option would take as the current folder."""
    for i, a in enumerate(argv):
        if a in ("--out", "-o") and i + 1 < len(argv) and argv[i + 1] == "" or a in ("--out=", "-o="):
            return True
    return False


def main() -> None:
    """Entry point: usage errors become one line on stderr and exit 2, never a traceback."""
    if _empty_out(sys.argv[1:]):
        typer.echo("mtgen: error: --out: an empty string names no folder (give one; '.' is this folder)", err=True)
        sys.exit(2)
    try:
        rv = app(standalone_mode=False, prog_name="mtgen")
    except _NO_ARGS as e:
        typer.echo(e.ctx.get_help() if getattr(e, "ctx", None) else e.format_message())
        sys.exit(0)
    except _USAGE_ERRORS as e:
        msg = _one_line(e.format_message())
        param = getattr(e, "param", None)
        opts = getattr(param, "opts", None)
        if opts and opts[0] not in msg:
            msg = f"{opts[0]}: {msg}"
        typer.echo(f"mtgen: error: {msg}", err=True)
        sys.exit(2)
    except _CLICK_ERRORS as e:
        typer.echo(f"mtgen: error: {_one_line(e.format_message())}", err=True)
        sys.exit(getattr(e, "exit_code", 1) or 1)
    except grammar_mod.GrammarError as e:  # any command that loads a grammar (generate, augment)
        typer.echo(f"mtgen: error: bad grammar: {_one_line(e)}", err=True)
        sys.exit(2)
    except _ABORTS:
        typer.echo("mtgen: aborted", err=True)
        sys.exit(130)
    except _EXITS as e:
        sys.exit(getattr(e, "exit_code", 0))
    except KeyboardInterrupt:
        typer.echo("mtgen: interrupted", err=True)
        sys.exit(130)
    except OSError as e:  # the system refused a write no command expects to fail (a report to a full disk)
        _quiet_stdout()
        typer.echo(f"mtgen: error: {e.filename or 'standard output'}: {e.strerror or e}", err=True)
        sys.exit(2)
    except Exception as e:  # noqa: BLE001 - a bug: one line, not a traceback (MTGEN_DEBUG=1 shows it)
        import os
        if os.environ.get("MTGEN_DEBUG"):
            raise
        typer.echo(f"mtgen: internal error: {type(e).__name__}: {_one_line(e)} (this is a bug in mtgen; "
                   f"MTGEN_DEBUG=1 shows the traceback)", err=True)
        sys.exit(70)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":
    main()
