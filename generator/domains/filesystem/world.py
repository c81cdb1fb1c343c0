"""A seeded, realistic starting tree for each conversation.

Name pools come from Faker's provider word lists, frozen into data/names_en.txt (its data, not its
random engine, so the pools are identical on every machine); each tree is then sampled from the pools
with the conversation's own Rand.  Nothing here knows about tools, phrasing or JSON.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ...rng import Rand
from .contents import Recipe, flavour_of
from .state import Dir


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


# Themed folders: (folder names, file-name shapes).  In shapes, {w} is a pool word, {p} a first name,
# {n} a number, {y} a year.
THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "projects": (("projects", "code", "src", "repos", "work"),
                 ("{w}.py", "{w}_utils.py", "main.go", "{w}.js", "README.md", "Makefile", "{w}_test.py",
                  "requirements.txt", "{w}.ts", "index.html")),
    "reports": (("reports", "documents", "docs", "finance", "paperwork"),
                ("q{q}_report.pdf", "{w}_summary.docx", "{w}_{y}.xlsx", "budget_{y}.csv", "minutes_{w}.txt",
                 "{w}_proposal.pdf", "invoice_{n}.pdf", "annual_review_{y}.docx")),
    "photos": (("photos", "pictures", "camera", "images", "gallery"),
               ("IMG_{n}.jpg", "{w}_{y}.png", "{p}_portrait.jpg", "screenshot_{n}.png", "{w}_trip.jpeg",
                "DSC_{n}.jpg")),
    "configs": (("config", "settings", "etc", "dotfiles"),
                ("settings.yaml", "config.json", "{w}.toml", "{w}.ini", "docker-compose.yml", "{w}.conf")),
    "notes": (("notes", "journal", "drafts", "ideas"),
              ("{w}_notes.md", "todo.txt", "{w}_ideas.md", "meeting_{w}.txt", "{p}_letter.txt", "{w}.md")),
    "media": (("music", "podcasts", "videos", "recordings"),
              ("{w}_mix.mp3", "{w}_{y}.mp4", "episode_{n}.mp3", "{w}_demo.wav", "{p}_interview.m4a")),
    "archive": (("archive", "backup", "old", "downloads", "tmp"),
                ("{w}_backup.zip", "{w}_{y}.tar.gz", "{w}.log", "export_{n}.csv", "{w}_old.txt")),
}
_THEME_NAMES = tuple(THEMES)
HIDDEN_FILES = (".bashrc", ".gitignore", ".env", ".profile", ".vimrc", ".editorconfig", ".npmrc",
                ".DS_Store", ".zshrc", ".netrc")
HIDDEN_DIRS = (".config", ".cache", ".ssh", ".git", ".local", ".vscode")
SUB_FOLDERS = ("{w}", "{w}_{y}", "{w}-app", "{w}_old", "drafts", "final", "shared", "{p}", "{w}_v2",
               "assets", "data", "{w}s")
EMPTY_FOLDERS = ("old", "tmp", "unused", "{w}_old", "empty", "scratch", "to_delete")
ROOT_NAMES = ("home", "workspace", "{p}", "{p}_files", "documents", "projects_root")


_HOLES = re.compile(r"(\{[wpnyq]\})")
_SHAPES: dict[str, tuple] = {}
_NUMBERS = {"{n}": tuple(map(str, range(1000, 10000))), "{y}": tuple(map(str, range(2015, 2026))),
            "{q}": ("1", "2", "3", "4")}


def _fill(shape: str, r: Rand) -> str:
    """A name from a shape: {w} a pool word, {p} a first name, {n} a number, {y} a year, {q} a quarter."""
    parts = _SHAPES.get(shape)
    if parts is None:  # each hole becomes the tuple it is drawn from; literal text stays a str
        p = pools()
        table = {"{w}": p["word"], "{p}": p["person"], **_NUMBERS}
        parts = tuple(table.get(x, x) for x in _HOLES.split(shape) if x)
        parts = _SHAPES[shape] = parts[0] if len(parts) == 1 and parts[0].__class__ is str else parts
    if parts.__class__ is str:
        return parts
    out = ""
    rnd = r.random
    for x in parts:  # a loop of += beats join() on two or three short parts (r.choice, inlined)
        out += x if x.__class__ is str else x[int(rnd() * len(x))]
    return out


def _unique(shape_choices: tuple[str, ...], taken: dict, r: Rand) -> str | None:
    # pool words and shapes hold no forbidden character (a test checks), so names need no validation here
    rnd = r.random
    for _ in range(8):
        name = _fill(shape_choices[int(rnd() * len(shape_choices))], r)
        if name not in taken:
            return name
    return None


def _populate(d: Dir, theme: str, depth_left: int, key: int, spine: bool = False) -> None:
    """Fill folder `d` (called on its first look; `key` alone decides what it holds).  A `spine` folder
    always has a sub-folder (itself a spine) until `depth_left` runs out, so trees reach their depth."""
    r = Rand(key)
    kids = d.children
    files = THEMES[theme][1]
    for _ in range(1 + r.below(4)):
        name = _unique(files, kids, r)
        if name:
            kids[name] = _seeded(name, r)
    if r.chance(0.5):  # a second version of a text file: what `diff` compares
        texts = [k for k, v in kids.items() if v.__class__ is Recipe and v.kind != "binary"]
        if texts:
            first = r.choice(texts)
            stem, dot, ext = first.rpartition(".")
            other = (stem or ext) + r.choice(("_v2", "_old", "_draft", "_backup")) + (dot + ext if stem else "")
            if other not in kids:
                kids[other] = Recipe(kids[first].kind, kids[first].key, 1)
    if r.chance(0.2):
        name = _unique(HIDDEN_FILES, kids, r)
        if name:
            kids[name] = _seeded(name, r)
    if depth_left > 0 and r.chance(0.25):  # an empty folder: what `rmdir` removes
        name = _fresh(EMPTY_FOLDERS, kids, r, "empty_{}")
        kids[name] = Dir(name, d)
    if depth_left > 0:
        n_subs = r.below(3) if depth_left < 3 else 1 + r.below(2)
        for i in range(max(n_subs, 1 if spine else 0)):
            name = _fresh(SUB_FOLDERS, kids, r, "folder_{}")
            sub_theme = theme if r.chance(0.7) else r.choice(_THEME_NAMES)
            kids[name] = Dir(name, d, (_populate, (sub_theme, depth_left - 1, r.key(), spine and i == 0)))


def make_tree(r: Rand) -> Dir:
    """A root folder with 3-5 themed folders, loose files and dot-files; nested 2-4 levels deep."""
    rnd = r.random  # r.below / r.choice inlined: this runs once per conversation
    root = Dir(_fill(ROOT_NAMES[int(rnd() * len(ROOT_NAMES))], r))
    kids = root.children
    depth = 2 + int(rnd() * 3)  # levels below the root: 2..4
    for i, theme in enumerate(r.sample(_THEME_NAMES, 3 + int(rnd() * 3))):
        folders = THEMES[theme][0]
        name = folders[int(rnd() * len(folders))]  # no two themes share a folder name (a test checks)
        # the first folder always reaches full depth so every tree really is `depth` levels deep
        depth_left = depth - 1 if i == 0 else int(rnd() * depth)
        kids[name] = Dir(name, root, (_populate, (theme, depth_left, r.key(), i == 0)))
    for theme in r.sample(_THEME_NAMES, 2):
        name = _unique(THEMES[theme][1], kids, r)
        if name:
            kids[name] = _seeded(name, r)
    for name in r.sample(HIDDEN_FILES, 1 + int(rnd() * 3)):
        kids[name] = _seeded(name, r)
    if rnd() < 0.5:
        hidden = root.add_dir(HIDDEN_DIRS[int(rnd() * len(HIDDEN_DIRS))])
        hidden.add_file(_fill("{w}.json", r), "{}")
    return root


def _seeded(name: str, r: Rand) -> Recipe:
    """A file's content as a recipe: its text is made only if a request reads it."""
    return Recipe(flavour_of(name) or "binary", r.key())


def new_file_name(taken, r: Rand, like: str | None = None) -> str:
    """A fresh file name not in `taken`; keeps the extension of `like` when given."""
    dot_file = bool(like) and like.startswith(".") and "." not in like[1:]  # a dot-file stays a dot-file
    ext = like if dot_file else ("." + like.rsplit(".", 1)[1] if like and "." in like.lstrip(".") else "")
    shapes = _FILE_SHAPES.get((dot_file, ext))
    if shapes is None:
        if dot_file:
            shapes = ((".{w}", ".{w}_old", ".{w}rc", "{w}" + ext), ".new_{}")
        elif ext:
            shapes = (tuple(s + ext for s in ("{w}", "{w}_{w}", "{w}_copy", "{w}_{y}", "{w}_final")), "new_{}" + ext)
        else:
            shapes = (("{w}.txt", "{w}_notes.md", "{w}.py", "{w}_{y}.csv", "{w}.json", "{w}_draft.docx", "{w}.log"),
                      "new_{}")
        _FILE_SHAPES[(dot_file, ext)] = shapes
    return _fresh(shapes[0], taken, r, shapes[1])


_FILE_SHAPES: dict[tuple, tuple] = {}  # (dot-file?, extension or dot-file name) -> (shapes, fallback)


def new_folder_name(taken, r: Rand) -> str:
    return _fresh(("{w}", "{w}_{y}", "{w}_files", "{w}-archive", "{p}_stuff", "new_{w}", "{w}_backup"), taken, r,
                  "folder_{}")


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
