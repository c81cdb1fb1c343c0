"""What files hold: seeded, realistic text by kind (log lines, CSV rows, notes, code, config), made only
when something reads it, so that grep patterns, tail counts, wc, sort and diff are grounded.

A seeded file holds a recipe, the plain tuple (kind, key, variant), until its text is needed; `text_of`
turns it into text.  The same recipe always gives the same text; a recipe's variant 1 differs from variant 0 in a
line or two (the second version of a draft), which is what a `diff` of two versions should find.
Media and office files are not text: their placeholder is never read, searched, counted or sorted.
"""
from __future__ import annotations

import re
from functools import lru_cache
from math import floor  # a value drawn is floor(r.random() * n), as in Rand.below (see rng.py)
from ...rng import Rand


def Recipe(kind: str, key: int, variant: int = 0) -> tuple:
    """A seeded file's content: (kind, key, variant).  A plain tuple, which a file's content is only as a
    recipe (`v.__class__ is tuple`): a tree makes a dozen per conversation, and a tuple subclass (a
    NamedTuple) costs ten times as much to make.  The tree's own code writes the tuple."""
    return (kind, key, variant)


TEXT_EXTENSIONS = {
    "log": "log", "out": "log",
    "csv": "csv", "tsv": "csv",
    "md": "notes", "txt": "notes", "rst": "notes",
    "py": "code", "js": "code", "ts": "code", "go": "code", "sh": "code", "html": "code", "css": "code",
    "json": "config", "yaml": "config", "yml": "config", "toml": "config", "ini": "config", "conf": "config",
    "cfg": "config", "env": "config",
}
TEXT_NAMES = {"Makefile": "code", "Dockerfile": "code", "README": "notes", "LICENSE": "notes"}
NOT_TEXT = frozenset({".DS_Store"})  # a dot-file, but binary

# Which lines fit a file: finer than its kind (a .js file gets JavaScript, .gitignore gets patterns).
FLAVOURS = {"py": "py", "js": "js", "ts": "js", "go": "go", "sh": "shell", "html": "html", "css": "css",
            "json": "json", "yaml": "yaml", "yml": "yaml", "toml": "ini", "ini": "ini", "conf": "ini", "cfg": "ini",
            "env": "env", "log": "log", "out": "log", "csv": "csv", "tsv": "csv"}
DOT_FLAVOURS = {".gitignore": "ignore", ".env": "env", ".bashrc": "shell", ".zshrc": "shell", ".profile": "shell",
                ".vimrc": "vim", ".editorconfig": "ini", ".npmrc": "ini", ".netrc": "ini"}


# a back-up's suffix after the name of the file it copies (config.yaml.bak, settings.json.orig, app.conf.20240525,
# notes.md_backup, a rotated error.log.1): it holds that file's kind of text, and `diff config.yaml
# config.yaml.bak` compares two texts
_BACKUP_SUFFIX = re.compile(r"\.(?:bak|orig|old|\d{8}|\d{1,2})$|_backup$", re.I)


class _ByExtension(dict):
    """Extension as written -> (kind, flavour) of an ordinary name with it (not a dot-file, not Makefile), or
    None for a back-up's suffix (the name before it decides), a table filled as extensions are met: kind_of and
    flavour_of are asked of every file a tree is made of and every request, so each is one lookup here."""

    def __missing__(self, ext: str) -> tuple | None:
        probe = "x." + ext
        got = self[ext] = None if _BACKUP_SUFFIX.search(probe) else (_kind_of(probe), _flavour_of(probe))
        return got


_BY_EXTENSION = _ByExtension()


def kind_of(name: str) -> str | None:
    """The text kind of a file name ('log', 'csv', 'notes', 'code', 'config'), or None for media, office
    documents and archives (which are listed, copied, moved and removed, but never read)."""
    i = name.rfind(".")
    if i <= 0:
        return _kind_of(name)
    got = _BY_EXTENSION[name[i + 1:]]
    return got[0] if got is not None else _kind_of(_BACKUP_SUFFIX.sub("", name))


# files whose name says more than their extension: a project's requirements.txt lists packages, not to-dos
NAMED_FLAVOURS = {"requirements.txt": "requirements", "README.md": "readme", "README.txt": "readme", "README": "readme",
                  "CONTRIBUTING.md": "readme", "tmux.conf": "tmux", "nginx.conf": "nginx", "pyproject.toml": "pyproject",
                  "docker-compose.yml": "compose", "docker-compose.prod.yml": "compose"}


def flavour_of(name: str) -> str | None:
    """Which LINES fit file `name` ('py', 'yaml', 'ignore', 'notes', ...), or None for a non-text file."""
    if name in NAMED_FLAVOURS:
        return NAMED_FLAVOURS[name]
    i = name.rfind(".")
    if i <= 0:
        return _flavour_of(name)
    got = _BY_EXTENSION[name[i + 1:]]
    if got is None:
        return _flavour_of(_BACKUP_SUFFIX.sub("", name))
    return _notes_flavour(name) if got[1] == "notes" else got[1]


# notes whose name says what they hold (a name or, in world.py, a name's shape such as {course}_notes.md): a
# day's page (journal_2026-03-02.md, 2026-03-02.md) holds the day, a course's notes what was taught, not errands
_NOTES_BY_NAME = (("journal", ("journal", "diary", "daily")),
                  ("study", ("{course}", "lecture", "study", "exam", "revision", "reading_notes", "literature",
                             "flashcards")))


def _notes_flavour(name: str) -> str:
    if name[:4].isdigit():
        return "journal"
    for flavour, words in _NOTES_BY_NAME:
        for w in words:
            if w in name:
                return flavour
    return "notes"


@lru_cache(maxsize=256)  # only names without an ordinary extension come here (.bashrc, Makefile)
def _kind_of(name: str) -> str | None:
    if name in TEXT_NAMES:
        return TEXT_NAMES[name]
    if name in NOT_TEXT:
        return None
    if name.startswith(".") and "." not in name[1:]:
        return "config"  # dot-files: .bashrc, .gitignore, .env
    ext = name.rsplit(".", 1)[1].lower() if "." in name else ""
    return TEXT_EXTENSIONS.get(ext)


def is_text(name: str) -> bool:
    return kind_of(name) is not None


@lru_cache(maxsize=256)
def _flavour_of(name: str) -> str | None:
    kind = _kind_of(name)
    if kind is None:
        return None
    if name in DOT_FLAVOURS:
        return DOT_FLAVOURS[name]
    if name == "Makefile":
        return "make"
    ext = name.rsplit(".", 1)[1].lower() if "." in name.lstrip(".") else ""
    return FLAVOURS.get(ext, "notes" if kind == "notes" else "ini" if kind == "config" else "shell")


# Lines by kind.  Holes: {n} a number, {d} a date, {t} a time, {hm} a meeting time (09:30), {who} a first
# name as a user name (chen), {Who} as people write it (Chen), {v} a version.
LINES: dict[str, tuple[str, ...]] = {
    "log": (
        "{d} {t} INFO server started on port 8080",
        "{d} {t} INFO request completed in {n} ms",
        "{d} {t} WARN connection timeout to db-01, retrying",
        "{d} {t} ERROR payment service returned 503",
        "{d} {t} INFO user {who} logged in",
        "{d} {t} DEBUG cache miss for key session_{n}",
        "{d} {t} WARN disk usage at {n}%",
        "{d} {t} ERROR failed to open config.yaml: permission denied",
        "{d} {t} INFO scheduled backup finished",
        "{d} {t} INFO worker 3 picked up job {n}",
        "{d} {t} ERROR upload of invoice_{n}.pdf failed: timeout",
        "{d} {t} WARN memory usage high on worker 2",
        "{d} {t} INFO deployment {v} rolled out",
        "{d} {t} DEBUG retrying request to auth service",
    ),
    "csv": (
        "{d},coffee beans,{n}.50", "{d},printer paper,{n}.99", "{d},train ticket,{n}.00",
        "{d},team lunch,{n}.20", "{d},office chairs,{n}.00", "{d},software licence,{n}.00",
        "{who},{who}@example.com,sales", "{who},{who}@example.com,support", "{who},{who}@example.com,finance",
        "{d},invoice {n},paid", "{d},invoice {n},overdue", "{d},refund {n},pending",
    ),
    "notes": (
        "- call the landlord about the heating", "Deadline for the grant report is Friday",
        "Ask {Who} for the Q3 numbers", "TODO: renew the domain before June", "Budget review moved to Thursday",
        "- book flights for the conference", "Remember to back up the photos", "Meeting with {Who} at {hm}",
        "Draft the release notes for {v}", "- pay the electricity bill", "Ideas: newsletter, podcast, workshop",
        "Send the signed contract to {Who}", "Check the warranty on the laptop", "Agenda: hiring, roadmap, budget",
        "- pick up the dry cleaning", "Follow up with {Who} about the invoice",
    ),
    "py": (
        "import os", "import json", "def load_config(path):", "    with open(path) as f:",
        "        return json.load(f)", "# TODO: handle missing keys", "def main():", "    print('starting')",
        "if __name__ == '__main__':", "    main()", "class Report:", "    def __init__(self, rows):",
        "        self.rows = rows", "    return sum(r.amount for r in rows)", "# FIXME: timeout is hard-coded",
    ),
    "js": (
        "const port = 8080;", "function fetchUsers() {", "  return fetch('/api/users');", "}",
        "// TODO: handle errors", "export default app;", "const retries = 3;", "console.log('server ready');",
        "import express from 'express';", "app.listen(port);",
    ),
    "go": ("package main", "import \"fmt\"", "func main() {", "    fmt.Println(\"starting\")", "}",
           "// TODO: read the port from config", "var timeout = 30"),
    "shell": ("export PATH=$HOME/bin:$PATH", "alias ll='ls -la'", "export EDITOR=vim", "alias gs='git status'",
              "set -e", "echo 'backup done'", "export LANG=en_US.UTF-8"),
    "make": ("build:", "\tgo build ./...", "test:", "\tpytest -q", "clean:", "\trm -rf dist", ".PHONY: build test clean",
             "all: build test"),
    "html": ("<!doctype html>", "<title>Project page</title>", "<h1>Welcome</h1>", "<p>Contact: team@example.com</p>",
             "<script src=\"app.js\"></script>"),
    "css": ("body { margin: 0; }", "h1 { color: #333; }", ".button { padding: 4px; }", "footer { display: none; }"),
    "yaml": (
        "port: 8080", "debug: false", "log_level: info", "timeout: {n}", "database_url: postgres://localhost/app",
        "cache_size: {n}", "retries: 3", "region: eu-west-1", "owner: {who}", "version: {v}",
        "feature_flags: beta_search", "max_connections: {n}", "backup_dir: /var/backups", "theme: dark",
    ),
    "json": ('"port": 8080,', '"debug": false,', '"log_level": "info",', '"timeout": {n},', '"owner": "{who}",',
             '"version": "{v}",', '"retries": 3,', '"theme": "dark",'),
    "ini": ("port = 8080", "debug = false", "log_level = info", "timeout = {n}", "owner = {who}", "retries = 3",
            "[server]", "[database]", "host = localhost", "max_connections = {n}"),
    "env": ("DEBUG=false", "PORT=8080", "LOG_LEVEL=info", "TIMEOUT={n}", "REGION=eu-west-1", "OWNER={who}"),
    "ignore": ("__pycache__/", "*.log", "node_modules/", ".env", "dist/", "*.tmp", ".DS_Store", "build/"),
    "vim": ("set number", "syntax on", "set tabstop=4", "set expandtab", "colorscheme desert"),
    "tmux": ("set -g mouse on", "set -g history-limit 10000", "set -g base-index 1", "set -g status-position top",
             "bind r source-file ~/.tmux.conf"),
    "nginx": ("worker_processes 4;", "error_log /var/log/nginx/error.log;", "include /etc/nginx/conf.d/*.conf;",
              "client_max_body_size 20m;"),
    "pyproject": ("[project]", 'name = "app"', 'version = "0.4.1"', 'requires-python = ">=3.10"',
                  "[tool.pytest.ini_options]", 'addopts = "-q"'),
    "compose": ("version: '3.8'", "services:", "  web:", "    image: nginx:1.25", "  db:", "    image: postgres:16"),
    "journal": ("Went for a long walk by the river", "Finished the book I started last month", "Slept badly; too much coffee",
                "Good call with {Who} about the new job", "Tried the new bakery on the corner", "Rained all day, stayed in",
                "Felt productive for once", "Dinner with {Who} at {hm}", "Started learning to play the guitar",
                "Grateful for a quiet morning"),
    "study": ("Exam covers chapters 3 to 7", "Key formula: F = m * a", "Photosynthesis turns light into chemical energy",
              "Review the lecture on sorting algorithms", "Definition: opportunity cost is the value of the next best option",
              "Office hours are on Thursday at {hm}", "Redo problem set {n} before the exam", "Normal forms: 1NF, 2NF, 3NF",
              "The French Revolution began in 1789", "Ask {Who} about question 4", "Derivative of sin(x) is cos(x)",
              "Mitochondria produce most of the cell's energy", "Reading: chapter 5 of the textbook",
              "Essay question: causes of the First World War"),
    "requirements": ("requests==2.32.3", "flask>=3.0", "pytest>=8.0", "numpy>=1.26", "pandas==2.2.2", "click>=8.1",
                     "pyyaml>=6.0", "black==24.4.2"),
    "readme": ("# Project notes", "Run `make test` before every commit.", "Install with `pip install -r requirements.txt`.",
               "See the docs folder for the design notes.", "Questions about this project go to {Who}.",
               "The current release is {v}.", "Start the server with `make run`."),
}
HEADERS = {"csv": ("date,item,amount", "name,email,team", "date,reference,status")}
PEOPLE = ("alice", "bob", "maria", "tom", "priya", "chen", "omar", "lena", "sam", "noah")


def _fill(line: str, r: Rand) -> str:
    if "{" not in line:
        return line
    # every hole's value is drawn, in this order, whether the line has the hole or not (so the stream does not
    # depend on which holes a line has); only the line's own holes are written out
    rnd = r.random
    n = 10 + floor(rnd() * 990)
    month, day = 1 + floor(rnd() * 12), 1 + floor(rnd() * 28)
    hour, minute = floor(rnd() * 24), floor(rnd() * 60)
    meet_h, meet_m = 8 + floor(rnd() * 10), 15 * floor(rnd() * 4)
    who = PEOPLE[floor(rnd() * len(PEOPLE))]
    who2 = PEOPLE[floor(rnd() * len(PEOPLE))]
    major, minor = 1 + floor(rnd() * 4), floor(rnd() * 10)
    if "{n}" in line:
        line = line.replace("{n}", str(n))
    if "{d}" in line:
        line = line.replace("{d}", f"2024-{month:02d}-{day:02d}")
    if "{t}" in line:
        line = line.replace("{t}", f"{hour:02d}:{minute:02d}")
    if "{hm}" in line:
        line = line.replace("{hm}", f"{meet_h:02d}:{meet_m:02d}")
    if "{who}" in line:
        line = line.replace("{who}", who)
    if "{Who}" in line:
        line = line.replace("{Who}", who2.capitalize())
    if "{v}" in line:
        line = line.replace("{v}", f"v{major}.{minor}")
    return line


def make_text(kind: str, key: int, variant: int = 0) -> str:
    """The text of a seeded file: 4-14 lines of its kind; variant 1 changes a line or two."""
    pool = LINES.get(kind)
    if pool is None:  # (before seeding a stream: an export reads every media file's recipe)
        return ""
    r = Rand(key, 0x7E47)
    n = 4 + r.below(11)
    if kind in ("log", "csv"):  # records repeat (with their own times and names); notes and code do not
        lines = [_fill(r.choice(pool), r) for _ in range(n)]
    else:
        lines = [_fill(x, r) for x in r.sample(pool, n)]
    if kind in HEADERS:
        lines.insert(0, HEADERS[kind][r.below(len(HEADERS[kind]))])
    if variant:
        v = Rand(key, 0x7E47, variant)
        for _ in range(1 + v.below(2)):
            i = 1 + v.below(len(lines) - 1)
            new = _fill(v.choice(pool), v)
            lines[i] = new if new != lines[i] else lines[i] + " (updated)"
    return "\n".join(lines) + "\n"


def placeholder(name: str) -> str:
    """What a media or office file holds in an exported tree (never read by a generated request)."""
    return f"binary data of {name}"


def text_of(value) -> str:
    """A file's text, making a seeded file's text from its recipe."""
    if value.__class__ is tuple:  # a recipe
        return make_text(*value)
    return value


_WORD = None


def pattern_in(text: str, r: Rand, kind: str | None = None) -> str | None:
    """A search string a person would type for this text (of a file of `kind`): a word of one of its lines
    (at least four letters, or a log level), so a grep for it finds something; in a log, mostly a sign of
    trouble."""
    global _WORD
    if _WORD is None:
        import re
        _WORD = re.compile(r"[A-Za-z]{4,}(?:_[A-Za-z]+)*")
    if kind == "log":  # searched for its trouble most of the time, not 'picked'
        trouble = [w for w in _TROUBLE if w in text]
        if trouble and r.random() < 0.8:
            return r.choice(trouble)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for _ in range(4):
        if not lines:
            return None
        words = _WORD.findall(r.choice(lines))
        words = [w for w in words if w.lower() not in _DULL]
        if words:
            return r.choice(words)
    return None


_TROUBLE = ("ERROR", "WARN", "failed", "timeout", "denied", "refused", "Exception", "retrying")
_DULL = frozenset({"with", "from", "that", "this", "return", "self", "about", "have", "some",
                   "example"})  # (of the sample addresses, name@example.com: nobody searches a table for it)


def line_for(name: str, r: Rand) -> str:
    """One line a user might write into file `name` (a note, a config entry, a log line, a CSV row): what echo
    makes the whole file hold, so a line that stands by itself."""
    return _fill(r.choice(_whole_lines(flavour_of(name) or "notes")), r).lstrip("- ").strip()


@lru_cache(maxsize=None)
def _whole_lines(flavour: str) -> tuple[str, ...]:
    """The lines of a flavour that make a file by themselves: not a line inside a block ('    return ...'),
    one that opens or closes one ('def main():', '}') or a bare section header ('[server]'); a JSON entry
    in its braces ({"theme": "dark"}, not '"theme": "dark",')."""
    pool = LINES[flavour]
    if flavour == "json":
        return tuple("{" + x.rstrip(",") + "}" for x in pool)
    whole = tuple(x for x in pool if not x[:1].isspace() and not x.endswith((":", "{", "(", "}"))
                  and not (x.startswith("[") and x.endswith("]")))
    return whole or pool
