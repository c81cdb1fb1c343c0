"""A seeded, realistic starting tree for each conversation, and names for the things a user makes.

Trees are themed (photos, finance, code, logs, notes, ...) and named as people and programs name things:
photos/2023/IMG_2041.jpg, finance/invoice_2024-03.pdf, projects/website/src/utils.py,
logs/server-2024-05-01.log.  The vocabulary is data, in data/themes_en.txt (themes, their folder names and
file-name shapes with holes for years, months, numbers, versions and word lists), checked when loaded.
New names are derived from the request's object (report.docx -> report_final.docx, config.yaml ->
config.yaml.bak) or are names people give new things (notes.txt, archive_2024, to-review).

The first-name and word pools of data/names_en.txt are frozen from Faker's word lists (its data, not its
random engine, so they are identical on every machine); every draw uses the conversation's own Rand.
Nothing here knows about tools, phrasing or JSON.
"""
from __future__ import annotations

import re
from functools import lru_cache
from math import floor  # an index drawn is floor(r.random() * n), as in Rand.choice (see rng.py)
from pathlib import Path
from typing import Callable, NamedTuple

from ...rng import Rand
from .contents import flavour_of, is_text, kind_of
from .state import Dir, PendingDir


# Function words and verbs from the lorem list that nobody names a file after ("without.xlsx").
_NOT_NAMES = frozenset("""
about above according across actually after again against ahead allow almost alone along already although
always among another anyone anything appear apply argue around arrive assume avoid because become before
begin behind believe better between beyond bring came catch cause certain certainly choose clear clearly
close could decide describe despite determine develop different difficult discover discuss during either
enjoy enough enter entire establish every everybody everyone exactly exist expect explain finally follow
forget former forward guess happen happy herself himself however identify imagine improve include including
increase indeed indicate instead involve itself later laugh learn least leave likely listen little maintain
maybe mention might myself nearly necessary never nothing notice occur often other others perhaps pretty
prevent probably produce prove provide quickly quite rather reach ready realize really receive recent
recently recognize reduce reflect relate remain remember represent require respond reveal right serve several
should similar simple simply since somebody someone something sometimes speak spend suddenly suffer suggest
their there these thing think those though thought through throw toward under until usually various
whatever where whether which while whole whose within without wonder would wrong yourself
""".split())


NAMES_FILE = Path(__file__).resolve().parent / "data" / "names_en.txt"


@lru_cache(maxsize=1)
def pools() -> dict[str, tuple[str, ...]]:
    """The name pools, read from NAMES_FILE: `[section]` lines open a pool, then one name per line.

    The file is frozen from Faker's word lists (`make names`) rather than read from Faker at run time:
    the bytes of a dataset must not change with the installed Faker version, and importing Faker costs
    more start-up time than generating thousands of conversations."""
    out: dict[str, list[str]] = {}
    pool = None
    for line in NAMES_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            pool = out.setdefault(line.strip("[]"), [])
        elif pool is not None:
            pool.append(line)
    return {k: tuple(v) for k, v in out.items()}


def faker_pools() -> dict[str, tuple[str, ...]]:
    """The pools as derived from the installed Faker's en_US providers (what `make names` freezes)."""
    from faker.providers.lorem.en_US import Provider as Lorem
    from faker.providers.person.en_US import Provider as Person

    words = sorted({w for w in Lorem.word_list
                    if w.isalpha() and w.islower() and 5 <= len(w) <= 9 and w not in _NOT_NAMES})
    people = sorted({n.lower() for n in Person.first_names if n.isalpha() and 3 <= len(n) <= 8})
    return {"word": tuple(words), "person": tuple(people)}


def write_names_file(path: Path = NAMES_FILE) -> None:
    import faker

    lines = [f"# Name pools for generated trees, frozen from Faker {faker.VERSION} (en_US lorem words and",
             "# first names) by `make names`.  One name per line; adding a name is adding a line.  Names must",
             "# not contain any of |/\\?%*:\"<> (a test checks)."]
    for section, names in faker_pools().items():
        lines += ["", f"[{section}]", *names]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)


# ---- themes: read from data/themes_en.txt ------------------------------------------------------------
THEMES_FILE = Path(__file__).resolve().parent / "data" / "themes_en.txt"
_HOLES = re.compile(r"(\{[a-z0-9_]+\})")
_NUMBER_HOLES = ("{y}", "{m}", "{d}", "{n}", "{n3}", "{k}", "{k2}", "{q}", "{v}", "{t}", "{today}", "{p}", "{w}")
_SELF_HOLES = ("{stem}", "{ext}", "{name}")  # in [copies ...]: the old name's parts
_BAD_RE = BAD_NAME_RE = re.compile(r'[|/\\?%*:"<>]')
_COPY_KINDS = ("default", "notes", "archive", "media", "code", "log", "config", "dot-file")


def _read_sections(path: Path) -> dict[str, dict[str, list[str]]]:
    """`[section]` -> key -> entries.  A line `key: a b c` opens a key; an indented line continues it;
    any other line adds to the key '' (word lists, name lists)."""
    out: dict[str, dict[str, list[str]]] = {}
    cur: dict[str, list[str]] | None = None
    key = ""
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("["):
            cur = out.setdefault(line.strip("[] "), {})
            key = ""
            continue
        if cur is None:
            raise ValueError(f"{path.name}:{n}: entry before any [section]")
        if line[0] not in " \t":
            key, colon, rest = line.partition(":")
            if colon:
                key, line = key.strip(), rest
            else:
                key = ""
        cur.setdefault(key, []).extend(line.split())
    return out


def _load(path: Path = THEMES_FILE) -> dict:
    sec = _read_sections(path)
    words = {name[6:]: tuple(v.get("", ())) for name, v in sec.items() if name.startswith("words ")}
    themes, subs, hidden, holds = {}, {}, {}, {}
    for name, v in sec.items():
        if name.startswith("theme "):
            t = name[6:]
            themes[t] = (tuple(v.get("folders", ())), tuple(v.get("files", ())))
            subs[t] = tuple(v.get("subfolders", ()))
            hidden[t] = tuple(v.get("hidden", (".DS_Store",)))
            holds[t] = tuple(v.get("holds", ()))

    def flat(section: str) -> tuple[str, ...]:
        return tuple(sec.get(section, {}).get("", ()))

    data = {
        "themes": themes, "subs": subs, "hidden": hidden, "holds": holds, "words": words,
        "sub folders": flat("sub folders"), "empty folders": flat("empty folders"),
        "new files": flat("new files"), "new folders": flat("new folders"), "loose files": flat("loose files"),
        "roots": flat("roots"), "hidden files": flat("hidden files"),
        "hidden folders": {k: tuple(v) for k, v in sec.get("hidden folders", {}).items() if k},
        "copies": {name[7:]: tuple(v.get("", ())) for name, v in sec.items() if name.startswith("copies ")},
    }
    _check(data, path)
    return data


def _check(data: dict, path: Path) -> None:
    """Every entry is a legal name once its holes are filled, and every hole is known: a slip in the data
    file fails at import, not in the middle of a dataset."""
    known = set(_NUMBER_HOLES) | {"{" + w + "}" for w in data["words"]}
    problems = []

    def look(where: str, entries, extra=()):
        if not entries:
            problems.append(f"{where}: empty")
        for e in entries:
            unknown = [h for h in _HOLES.findall(e) if h not in known and h not in extra] if "{" in e else ()
            if unknown:
                problems.append(f"{where}: {e!r} has an unknown hole {unknown}")
            if _BAD_RE.search(e) or e in (".", ".."):
                problems.append(f"{where}: {e!r} is not a legal name")

    for t, (folders, files) in data["themes"].items():
        look(f"theme {t} folders", folders)
        look(f"theme {t} files", files)
        look(f"theme {t} subfolders", data["subs"][t])
        look(f"theme {t} hidden", data["hidden"][t])
        problems += [f"theme {t} holds an unknown theme {h!r}" for h in data["holds"][t] if h not in data["themes"]]
    for w, entries in data["words"].items():
        look(f"words {w}", entries, extra=known)  # words are literal
        problems += [f"words {w}: {e!r} holds a hole" for e in entries if _HOLES.search(e)]
    for s in ("sub folders", "empty folders", "new files", "new folders", "loose files", "roots", "hidden files"):
        look(s, data[s])
    for d, files in data["hidden folders"].items():
        look(f"hidden folders {d}", (d,) + files)
    for kind in _COPY_KINDS:
        look(f"copies {kind}", data["copies"].get(kind, ()), extra=_SELF_HOLES)
    tops = [f for folders, _ in data["themes"].values() for f in folders]
    problems += [f"top folder {f!r} belongs to two themes" for f in sorted({f for f in tops if tops.count(f) > 1})]
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems))


_DATA = _load()
# Themed folders: theme -> (top folder names, file-name shapes).  No two themes share a top folder name.
THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = _DATA["themes"]
_THEME_NAMES = tuple(THEMES)
_SUBS: dict[str, tuple[str, ...]] = _DATA["subs"]  # theme -> names of folders inside its folders
_SUB_HIDDEN: dict[str, tuple[str, ...]] = _DATA["hidden"]  # theme -> dot-files its folders may hold
_HOLDS: dict[str, tuple[str, ...]] = _DATA["holds"]  # theme -> themes whose folders may sit in its folders
HIDDEN_FILES: tuple[str, ...] = _DATA["hidden files"]
HIDDEN_DIRS: tuple[str, ...] = tuple(_DATA["hidden folders"])
_HIDDEN_DIR_FILES: dict[str, tuple[str, ...]] = _DATA["hidden folders"]
SUB_FOLDERS: tuple[str, ...] = _DATA["sub folders"]  # folders any theme holds (archive, old, drafts, 2023)
EMPTY_FOLDERS: tuple[str, ...] = _DATA["empty folders"]
ROOT_NAMES: tuple[str, ...] = _DATA["roots"]
NEW_FILES: tuple[str, ...] = _DATA["new files"]
NEW_FOLDERS: tuple[str, ...] = _DATA["new folders"]
LOOSE_FILES: tuple[str, ...] = _DATA["loose files"]
_COPIES: dict[str, tuple[str, ...]] = _DATA["copies"]

_YEARS = tuple(map(str, range(2016, 2026)))
_MONTHS = tuple(f"{m:02d}" for m in range(1, 13))
_TWO_DIGITS = tuple(f"{i:02d}" for i in range(60))
_NUMBERS = {
    "{y}": _YEARS, "{m}": _MONTHS, "{d}": tuple(f"{d:02d}" for d in range(1, 29)),
    "{n}": tuple(map(str, range(1000, 10000))), "{n3}": tuple(f"{i:03d}" for i in range(1, 1000)),
    "{k}": tuple(map(str, range(1, 10))), "{k2}": tuple(f"{i:02d}" for i in range(1, 20)),
    "{q}": ("1", "2", "3", "4"),
    "{v}": tuple(f"{a}.{b}.{c}" for a in range(0, 6) for b in range(0, 13) for c in range(0, 10)),
    "{t}": tuple(h + mi + s for h in _TWO_DIGITS[:24] for mi in _TWO_DIGITS for s in ("07", "18", "33", "52")),
    # a date as "today", in a step's new name: one year for every conversation ("today's page" is not from 2017
    # in one and from 2024 in the next), the one after every year a tree's names carry, so it is later than them
    "{today}": tuple(f"{int(_YEARS[-1]) + 1}-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29)),
}
_SHAPES: dict[str, tuple] = {}  # shape -> its compiled form (see _compile)
_TODAY = _NUMBERS["{today}"]
_COUNTS = (_NUMBERS["{k}"], _NUMBERS["{k2}"], _NUMBERS["{n3}"])  # an episode, a draft, a part: kept from a name beside
_UNRELATED = (_MONTHS, _NUMBERS["{d}"], _NUMBERS["{n}"], _NUMBERS["{t}"], _NUMBERS["{v}"], _NUMBERS["{q}"], _TODAY)


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    p = pools()
    return {"{w}": p["word"], "{p}": p["person"], **_NUMBERS,
            **{"{" + k + "}": v for k, v in _DATA["words"].items()}}


def _fill(shape: str, r: Rand, y: str | None = None, m: str | None = None) -> str:
    """A name from a shape: each hole ({y} a year, {m} a month, {n} a number, {p} a first name, {topic}
    a word of that list...) drawn with `r`; `y` and `m`, when given, are the year and month of the
    folder the name goes in.  Unknown holes stay as written."""
    head, holes, _ = _SHAPES.get(shape) or _compile(shape)
    return _draw(head, holes, r.random, y, m) if holes else head


def _draw(out: str, holes: tuple, rnd, y: str | None, m: str | None) -> str:
    """A compiled shape's name: `out` (its text up to the first hole) and each hole's value drawn with `rnd`
    (r.random), or the folder's year `y` and month `m` for {y} and {m} when given."""
    if y is None and m is None:  # most names: not in a folder named after a date
        for values, n, tail in holes:  # a loop of += beats join() on two or three short parts (r.choice, inlined)
            out += values[floor(rnd() * n)] + tail
        return out
    for values, n, tail in holes:
        if values is _YEARS and y is not None:
            out += y + tail
        elif values is _MONTHS and m is not None:
            out += m + tail
        else:
            out += values[floor(rnd() * n)] + tail
    return out


def _compile(shape: str) -> tuple:
    """A shape compiled once: (its text up to the first hole, ((a hole's values, their number, the text after
    it), ...), the flavour of every file named from it); an unknown hole is text.  The flavour is "binary"
    for a non-text file, and "" when the names' extensions differ (a hole ends the shape)."""
    table = _table()
    pieces = _HOLES.split(shape)  # text, hole, text, ..., hole, text
    head, holes = pieces[0], []
    for hole, text in zip(pieces[1::2], pieces[2::2]):
        values = table.get(hole)
        if values is not None:
            holes.append((values, len(values), text))
        elif holes:  # an unknown hole: text, as written
            holes[-1] = holes[-1][:2] + (holes[-1][2] + hole + text,)
        else:
            head += hole + text
    dot = shape.rfind(".")
    # a name ends as its shape does: the shape's last dot is the name's, after at least one character
    # (no hole's value is empty), when no hole follows it
    written = "{" not in shape or dot > 0 and "{" not in shape[dot:]
    compiled = _SHAPES[shape] = (head, tuple(holes), (flavour_of(shape) or "binary") if written else "")
    return compiled


def fill_shape(shape: str, r: Rand) -> str:
    """A name from a shape of the data's vocabulary ({y}, {topic}, ...); unknown holes stay as written."""
    return _fill(shape, r)


# a year, alone or starting a date: 2023, 2023-04, 202304, 2023-04-05, 20230405 (not inside a longer number)
DATED = re.compile(r"(?<!\d)(199\d|20[0-3]\d)(?:-?(?:0[1-9]|1[0-2])(?:-?(?:[0-2]\d|3[01]))?)?(?!\d)")


@lru_cache(maxsize=8192)  # asked of every (file, folder) pair a move or copy considers
def year_of(name: str) -> str | None:
    """The year a name carries (PXL_20230405_101112.jpg, invoice_2024-03.pdf, taxes_2016, 2023-04), or None."""
    m = DATED.search(name)
    return m.group(1) if m else None


_TOKEN = re.compile(r"[^_\-. ]+")


def fresh_from(shapes: tuple[str, ...], taken, r: Rand) -> str:
    """A name from `shapes` (a scenario step's) not in `taken`.  Its holes take values the names around it
    carry when they can: a year the dated files there have (a folder '2020' where the photos are from 2020),
    the number or the word of a name beside it ('notes_ep15.md' beside 'episode-15', 'wedding_edit' beside
    wedding_highlights.mp4)."""
    years = words = plain = None  # of the names here (`taken`): each worked out when a hole first needs it
    for _ in range(20):
        shape = shapes[floor(r.random() * len(shapes))]
        name, holes, _ = _SHAPES.get(shape) or _compile(shape)
        for x, count, tail in holes:
            if x in _UNRELATED:
                name += x[floor(r.random() * count)] + tail
                continue
            if x is _YEARS:  # the years the dated names here carry
                if years is None:
                    years = sorted({y for y in map(year_of, taken) if y})
                near = years
            else:
                values = _values(x)
                if x in _COUNTS:  # the numbers of the names here, not from a date
                    if plain is None:
                        plain = {t for n in taken if year_of(n) is None for t in _TOKEN.findall(n)}
                    near = sorted(values[v] for v in plain if v in values)
                else:  # the words of the names here
                    if words is None:
                        words = {t.lower() for n in taken for t in _TOKEN.findall(n)}
                    near = sorted(values[v] for v in words if v in values)
            name += (near[floor(r.random() * len(near))] if near else x[floor(r.random() * count)]) + tail
        if name not in taken:
            return name
    return _fresh(shapes, taken, r, "untitled-{}" + _split(shapes[0])[1].replace("{", "").replace("}", ""))


@lru_cache(maxsize=None)
def _values(hole: tuple) -> dict:
    """A hole's values by their lower case (for fresh_from's look at the names around)."""
    return {v.lower(): v for v in hole}


def _add_file(shapes: tuple[str, ...], kids: dict, r: Rand, y: str | None = None, m: str | None = None) -> None:
    """Add to `kids` a seeded file named from one of `shapes` (`y` and `m` as for _fill), unless eight tries
    make only names it already holds."""
    # the data file is checked at import (no forbidden character), so names need no validation here
    rnd = r.random
    for _ in range(8):
        shape = shapes[floor(rnd() * len(shapes))]
        name, holes, flavour = _SHAPES.get(shape) or _compile(shape)  # (_fill, inlined)
        if holes:
            name = _draw(name, holes, rnd, y, m)
        if name not in kids:
            kids[name] = (flavour or flavour_of(name) or "binary", r.bits(32), 0)  # its recipe (r.bits(32): r.key())
            return


def _sub_name(shapes: tuple[str, ...], taken: dict, r: Rand, year, month) -> tuple[str, str | None, str | None]:
    """A sub-folder's name and the year and month it stands for ('2023-04' inside '2023', never '2023'
    inside '2023')."""
    rnd = r.random
    for _ in range(8):
        shape = shapes[floor(rnd() * len(shapes))]
        y, m = year, month
        if "{m}" in shape:
            if month is not None:
                continue
            m = _MONTHS[floor(rnd() * 12)]
            if y is None:
                y = _YEARS[floor(rnd() * len(_YEARS))]
        elif "{y}" in shape:
            if year is not None:
                continue
            y = _YEARS[floor(rnd() * len(_YEARS))]
        name, holes, _ = _SHAPES.get(shape) or _compile(shape)  # (_fill, inlined)
        if holes:
            name = _draw(name, holes, rnd, y, m)
        if name not in taken:
            return name, y, m
    return _fresh(EMPTY_FOLDERS, taken, r, "folder_{}"), year, month


_VERSIONED = re.compile(r"(.*[_-]v)(\d+)$")


@lru_cache(maxsize=1 << 12)  # asked for every pair of text files in a folder; names repeat
def version_stem(name: str) -> str:
    """What the versions of one file have in common: report for report.md, report_v2.md and report_old.md."""
    stem = name.rpartition(".")[0] or name
    for tail in ("_v2", "_old", "_draft", "_backup", "_copy", "_final"):
        if stem.endswith(tail):
            return stem[: -len(tail)]
    return stem


def _second_version(first: str, r: Rand) -> str:
    """The name of a second version of file `first`: notes_v2.md, config_old.yaml, report_v3.md after
    report_v2.md."""
    stem, dot, ext = first.rpartition(".")
    base, tail = (stem, dot + ext) if stem else (first, "")
    m = _VERSIONED.match(base)
    if m:
        return m.group(1) + str(int(m.group(2)) + 1) + tail
    suffix = r.choice(("_v2", "_old", "_draft", "_backup"))
    # a name says what the file is once: not old_notes_old.txt, backup_20220909_backup.log
    return base + ("_v2" if suffix[1:] in _TOKEN.findall(base.lower()) else suffix) + tail


class FilesLike(NamedTuple):
    """What a session's folder holds for a step about kinds of file: files of `shapes` (the theme's shapes
    whose names pass `test`), added until two pass: "delete a.tmp", then "the same for b.tmp"."""
    shapes: tuple[str, ...]
    test: Callable[[str], bool]

    def fill(self, kids: dict, r: Rand, year: str | None, month: str | None) -> None:
        have = 0
        for n in kids:
            if self.test(n):
                have += 1
                if have == 2:
                    break
        for _ in range(2 - have):
            _add_file(self.shapes, kids, r, year, month)


class EmptyFolders(NamedTuple):
    """What a session's folder holds for a step about empty folders: two of them, named from `names`:
    "remove old-stuff", then "the same for unused"."""
    names: tuple[str, ...]

    def fill(self, kids: dict, r: Rand, year: str | None, month: str | None) -> None:
        for _ in range(2):
            name = _fresh(self.names, kids, r, "empty_{}")
            kids[name] = Dir(name)


class Versions(NamedTuple):
    """What a session's folder holds for a step that compares versions: a text file of `shapes` (or one it
    has) with a second version beside it (report.md and report_v2.md): "compare my drafts" has drafts."""
    shapes: tuple[str, ...]

    def fill(self, kids: dict, r: Rand, year: str | None, month: str | None) -> None:
        if not _add_second_version(kids, r):
            _add_file(self.shapes, kids, r, year, month)
            _add_second_version(kids, r)


def _add_second_version(kids: dict, r: Rand) -> bool:
    """Add a second version of one of the text files in `kids` (report.md -> report_v2.md, the same text with a
    line or two changed); False when there is no text file."""
    texts = [k for k, v in kids.items() if v.__class__ is tuple and v[0] != "binary"]  # text recipes
    if not texts:
        return False
    first = texts[floor(r.random() * len(texts))]
    other = _second_version(first, r)
    if other not in kids:
        kind, key, _ = kids[first]
        kids[other] = (kind, key, 1)
    return True


def _populate(d: Dir, theme: str, depth_left: int, key: int, spine: bool = False,
              year: str | None = None, month: str | None = None, holds: tuple = ()) -> None:
    """Fill folder `d` (called on its first look; `key` alone decides what it holds).  A `spine` folder
    always has a sub-folder (itself a spine) until `depth_left` runs out, so trees reach their depth.
    `year` and `month` are those a folder's name gave it (photos/2023/2023-04): its files' dates agree.
    `holds`: what a session here works on (FilesLike, EmptyFolders): a screenshot clean-up has screenshots to
    delete, and one more "the same way"."""
    _fill_folder(d, Rand(key), theme, depth_left, spine, year, month, holds)


def _fill_folder(d: Dir, r: Rand, theme: str, depth_left: int, spine: bool, year: str | None, month: str | None,
                 holds: tuple) -> None:
    """_populate's work, drawing from `r`."""
    rnd = r.random  # r.chance / r.below / r.choice inlined: this runs for every folder filled
    kids = d.children
    files = THEMES[theme][1]
    for _ in range(1 + floor(rnd() * 4)):  # the first name is always free: a filled folder is never empty (is_empty)
        _add_file(files, kids, r, year, month)
    for hold in holds:
        hold.fill(kids, r, year, month)
    if rnd() < 0.5:  # a second version of a text file: what `diff` compares
        _add_second_version(kids, r)
    if rnd() < 0.2:
        _add_file(_SUB_HIDDEN[theme], kids, r)
    if depth_left > 0 and rnd() < 0.25:  # an empty folder: what `rmdir` removes
        name = _fresh(EMPTY_FOLDERS, kids, r, "empty_{}")
        kids[name] = Dir(name)
    if depth_left > 0:
        n_subs = floor(rnd() * 3) if depth_left < 3 else 1 + floor(rnd() * 2)
        for i in range(max(n_subs, 1 if spine else 0)):
            inside = _HOLDS[theme]
            if not inside or rnd() < 0.85:  # mostly more of the same: photos/2023, projects/website/src
                sub_theme = theme
                shapes = _SUBS[theme] if rnd() < 0.75 else SUB_FOLDERS
            else:  # a theme that fits inside, named as its own folders are: projects/website/logs
                sub_theme = inside[floor(rnd() * len(inside))]
                shapes = THEMES[sub_theme][0]
            name, y, m = _sub_name(shapes, kids, r, year, month)
            kids[name] = sub = PendingDir()  # (made in two steps: see PendingDir)
            sub.name, sub._pending = name, (_populate, (sub_theme, depth_left - 1, r.bits(32), spine and i == 0, y, m))


def make_tree(r: Rand, theme: str | None = None, holds: tuple = ()) -> Dir:
    """A root folder with 3-5 themed folders, loose files and dot-files; nested 2-4 levels deep.  `theme`
    (a scenario's place) is always among them, first and full depth, holding what `holds` asks for (see
    _populate)."""
    rnd = r.random  # r.below / r.choice inlined: this runs once per conversation
    root = Dir(_fill(ROOT_NAMES[floor(rnd() * len(ROOT_NAMES))], r))
    kids = root.children
    depth = 2 + floor(rnd() * 3)  # levels below the root: 2..4
    place = theme
    themes = [] if theme is None else [theme]  # the place comes first
    n = 3 + floor(rnd() * 3)
    while len(themes) < n:  # distinct themes, drawn until there are n (3-5 of 16: a repeat is rare)
        theme = _THEME_NAMES[floor(rnd() * len(_THEME_NAMES))]
        if theme not in themes:
            themes.append(theme)
    for i, theme in enumerate(themes):
        folders = THEMES[theme][0]
        name = folders[floor(rnd() * len(folders))]  # no two themes share a folder name (checked at load)
        # the first folder always reaches full depth so every tree really is `depth` levels deep
        depth_left = depth - 1 if i == 0 else floor(rnd() * depth)
        if i == 0 and place is not None:  # the session's place: it walks in at once, so it is filled now
            _fill_folder(root.add_dir(name), r, theme, depth_left, True, None, None, holds)
        else:
            kids[name] = sub = PendingDir()  # (made in two steps: see PendingDir)
            sub.name, sub._pending = name, (_populate, (theme, depth_left, r.bits(32), i == 0))
    if rnd() < 0.25:  # an empty folder left at the top (new-folder, to-sort): rmdir has one here too
        name = _fresh(EMPTY_FOLDERS, kids, r, "empty_{}")
        kids[name] = Dir(name)
    for _ in range(2):  # loose files: a resume, a todo list, or something of one of the themes
        shapes = LOOSE_FILES if rnd() < 0.5 else THEMES[themes[floor(rnd() * len(themes))]][1]
        _add_file(shapes, kids, r)
    for name in r.sample(HIDDEN_FILES, 1 + floor(rnd() * 3)):
        kids[name] = (_DOT_FLAVOURS[name], r.bits(32), 0)  # its recipe: its text is made only if a request reads it
    if rnd() < 0.5:  # a program's folder (.ssh, .config): hardly ever opened, so filled on its first look
        name = HIDDEN_DIRS[floor(rnd() * len(HIDDEN_DIRS))]
        kids[name] = sub = PendingDir()
        sub.name, sub._pending = name, (_fill_hidden, (r.bits(32),))
    return root


def _fill_hidden(d: Dir, key: int) -> None:
    """Fill hidden folder `d` (.ssh) with one or two of the files such a folder holds (config, known_hosts)."""
    r = Rand(key)
    kids = d.children
    for name in r.sample(_HIDDEN_DIR_FILES[d.name], 1 + r.below(2)):
        kids[name] = (_DOT_FLAVOURS[name], r.bits(32), 0)


# the flavour of each file the data names as it is (.bashrc, .ssh's config): a tree's dot-files, found in one look
_DOT_FLAVOURS = {name: flavour_of(name) or "binary" for name in HIDDEN_FILES + sum(_HIDDEN_DIR_FILES.values(), ())}


# ---- names for new things ------------------------------------------------------------------------------
_DOUBLE_EXTENSIONS = (".tar.gz", ".tar.bz2", ".tar.xz", ".sql.gz", ".log.gz")
_ARCHIVES = frozenset(_DOUBLE_EXTENSIONS + (".zip", ".gz", ".tgz", ".7z", ".rar", ".bz2"))
_MEDIA = frozenset("jpg jpeg png heic gif webp svg mp3 mp4 mov wav m4a flac webm psd ai eps fig".split())


def _split(name: str) -> tuple[str, str]:
    """(stem, extension with its dot): 'report.docx' -> ('report', '.docx'), 'site.tar.gz' -> ('site',
    '.tar.gz'), '.bashrc' -> ('.bashrc', ''), 'Makefile' -> ('Makefile', '')."""
    low = name.lower()
    for e in _DOUBLE_EXTENSIONS:
        if low.endswith(e) and len(name) > len(e):
            return name[:-len(e)], name[-len(e):]
    stem, dot, ext = name.rpartition(".")
    return (stem, dot + ext) if stem else (name, "")


def _copy_kind(name: str, ext: str) -> str:
    if name.startswith(".") and "." not in name[1:]:
        return "dot-file"
    kind = kind_of(name)
    if kind in ("config", "code", "log"):
        return kind
    if kind in ("notes", "csv"):
        return "notes"
    ext = ext.lower()
    return "media" if ext[1:] in _MEDIA else "archive" if ext in _ARCHIVES else "default"


@lru_cache(maxsize=1)
def _by_extension() -> dict[str, tuple[str, ...]]:
    """Extension (lower case, with its dot) -> every shape of the data with that extension."""
    out: dict[str, list[str]] = {}
    for shape in NEW_FILES + LOOSE_FILES + tuple(s for _, files in THEMES.values() for s in files):
        ext = _split(shape)[1].lower()
        if ext and "{" not in ext:
            out.setdefault(ext, []).append(shape)
    return {k: tuple(v) for k, v in out.items()}


_SELF = OLD_NAME_HOLES = re.compile(r"\{(?:stem|ext|name)\}")  # a derived name's parts of the old one
# a status a name already carries: report_final, notes_old, site-copy, draft_v2 is a version (kept), photo_small
_STATUS = re.compile(r"[_-](?:old|new|backup|final|draft|copy|edited|clean|reviewed|signed|small|original|archived|"
                     r"orig|bak|tmp)$", re.I)
_DIGITS = re.compile(r"\d{4}")  # a year or a camera's number: no second date in the name
# statuses in the order a file goes through them: a rename never takes one back (notes_old.md is not renamed
# notes_final.md, nor a backup the new version, nor assignment_final.pdf a draft)
_EARLIER = frozenset("old backup copy original archived orig bak tmp".split())
_LATER = frozenset("new final edited clean reviewed signed approved".split())


_DUPLICATE = re.compile(r"copy|backup|bak|orig|-2|2\{ext\}|\.1$")  # shapes that say "a second one of"


_CLAIM = re.compile(r"small|edited|signed|reviewed|clean")  # what was done to a file, which a copy does not do


@lru_cache(maxsize=None)
def _copies(kind: str) -> tuple[str, ...]:
    """The shapes of a kind that suit a copy: cp duplicates, so a copy's name never says the file was
    changed (not 'clip_small.mp4', 'invoice_reviewed.pdf': nobody shrank or reviewed anything)."""
    shapes = _COPIES.get(kind) or _COPIES["default"]
    return tuple(x for x in shapes if not _CLAIM.search(x))


@lru_cache(maxsize=None)
def _renames(kind: str) -> tuple[str, ...]:
    """The shapes of a kind that suit a new name for the same file (not 'report-copy.docx', which says
    there is another one)."""
    shapes = _COPIES.get(kind) or _COPIES["default"]
    return tuple(x for x in shapes if not _DUPLICATE.search(x)) or tuple(_COPIES["default"][:2])


def _derived(like: str, taken, r: Rand, copy: bool = True, own: tuple[str, ...] = (), numbered: bool = True) -> str | None:
    """A name made from `like`, as people name a copy or a new version: report.docx -> report_final.docx,
    report_v2.docx, report-copy.docx; config.yaml -> config.yaml.bak, config.old.yaml.  For a rename
    (`copy` false) only names that do not say "a copy of".  `own`: the shapes to use instead (a scenario
    step's, {stem}_final{ext}: a session that marks documents final or draft names them so)."""
    stem, ext = _split(like)
    # a name that says where the file stands says it once: config_old.py becomes config_new.py, not
    # config_old_new.py (the original's word goes, the new one comes)
    bare = _STATUS.sub("", stem) or stem
    was = stem[len(bare) + 1:].lower() if bare != stem else ""  # its status word, if it has one
    self_parts = {"{stem}": bare, "{ext}": ext, "{name}": like if bare == stem else bare + ext}
    kind = _copy_kind(like, ext)
    shapes = own or (_copies(kind) if copy else _renames(kind))
    m = _VERSIONED.match(stem)
    dated = _DIGITS.search(stem) is not None
    words = _TOKEN.findall(stem.lower())  # what the name says already: a copy's name does not say it twice
    for _ in range(12):
        if m and not own and kind != "config" and r.chance(0.7):  # report_v2.docx -> report_v3.docx (the next
            # version, none skipped); a config's copy is its backup, not its next version (cron_v2.yml.bak)
            name = m.group(1) + str(int(m.group(2)) + 1) + ext
        else:
            shape = shapes[floor(r.random() * len(shapes))]
            if m and "_v" in shape or dated and "{y}" in shape:
                continue  # not report_v2_v2.docx, not server-2024-05-01-2023-02-11.log
            after = shape.partition("{stem}")[2]
            tail = after.partition("{ext}")[0].strip("_-.")
            if tail and (stem.lower().endswith(tail) or tail in words):
                continue  # not site_backup_backup.zip nor site_backup_20240525_backup.tar.gz, nor the same name again
            if not copy and was and (was in _EARLIER and (tail in _LATER or tail == "draft")
                                     or was in _LATER and tail not in _LATER):
                continue  # a rename does not turn an old version into the final one or a draft, nor the final one back
            if after[:1].isdigit() and bare[-1:].isdigit():
                continue  # not assignment_42.py for a second assignment_4.py
            name = _SELF.sub(lambda h: self_parts[h.group()], _fill(shape, r))
        if name not in taken and name != like:
            return name
    if not numbered:
        return None  # no name fits ('-2' would say nothing of what the file is)
    n = 2
    while f"{stem}-{n}{ext}" in taken:
        n += 1
    return f"{stem}-{n}{ext}"


def new_file_name(taken, r: Rand, like: str | None = None, copy: bool = False, own: tuple[str, ...] = (),
                  numbered: bool = True) -> str | None:
    """A fresh file name not in `taken`.  With `like` (the file copied or renamed, or the kind of file
    wanted), a name derived from it (report_final.docx, config.yaml.bak; names that say "copy" only when
    `copy`) or another of its type; without, a new file a person would make (notes.txt, todo.md,
    meeting-notes.md), often of the kind the folder already holds."""
    if like:
        ext = _split(like)[1].lower()
        if like not in taken and r.chance(0.5):
            return like
        same_type = _by_extension().get(ext) if ext else None
        if like in taken or not same_type:  # a copy or a new name is made from the original's (`own`: see _derived)
            return _derived(like, taken, r, copy, own, numbered)
        return _fresh(same_type, taken, r, "untitled-{}" + ext)
    if r.chance(0.35):  # a file like the text files already here: a log among logs, a script among scripts
        names = list(taken) if taken.__class__ is dict else sorted(taken)  # a set's order varies by run
        for _ in range(3 if names else 0):
            near = names[floor(r.random() * len(names))]
            ext = _split(near)[1].lower()
            if not near.startswith(".") and ext in _by_extension() and is_text(near):
                return _fresh(_by_extension()[ext], taken, r, "untitled-{}" + ext)
    return _fresh(NEW_FILES, taken, r, "untitled-{}.txt")


_FOLDER_COPIES = ("{like}_backup", "{like}-copy", "{like}_{y}", "{like}_{y}-{m}-{d}", "{like}_old")
_FOLDER_RENAMES = ("{like}_old", "{like}_{y}", "{like}-archive", "old_{like}", "{like}_done")


def new_folder_name(taken, r: Rand, like: str | None = None, copy: bool = False) -> str:
    """A fresh folder name not in `taken`, as people name the folders they make: archive_2024, backup,
    old, 2024, drafts, to-review, shared, done.  Given the folder copied or renamed (`like`), mostly a
    name made from it (photos_backup for a copy, photos_2023 for a rename)."""
    if like and (copy or r.chance(0.7)):  # a copy is always named after its original ('contracts_backup')
        shapes = _FOLDER_COPIES if copy else _FOLDER_RENAMES
        for _ in range(8):  # the shapes stay fixed (and cached by _fill); the folder's name goes in after
            name = _fill(shapes[floor(r.random() * len(shapes))], r).replace("{like}", like)
            if name not in taken:
                return name
    return _fresh(NEW_FOLDERS, taken, r, "new-folder-{}")


def _fresh(shapes: tuple[str, ...], taken, r: Rand, fallback: str) -> str:
    """A name from `shapes` not in `taken`; after 20 misses, the first free `fallback` with a number."""
    for _ in range(20):
        name = _fill(r.choice(shapes), r)
        if name not in taken:
            return name
    n = 2
    while fallback.format(n) in taken:
        n += 1
    return fallback.format(n)


if __name__ == "__main__":  # make names
    write_names_file()
    print(f"wrote {NAMES_FILE}")
