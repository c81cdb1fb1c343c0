"""Which objects a scenario step acts on, in words: `log`, `media`, `*.tmp`, `where`, `made`...

A filter is one or more words, any of which may match ("log notes" is a log or a note):
  text, log, csv, notes, code, config   text files (of that kind)
  media, office, archive                pictures, audio and video; office documents and PDFs; archives
  file, folder, empty                   any file; any folder; an empty folder
  where                                 a folder of the scenario's theme (its `where`)
  made                                  something this session made, wrote, copied or moved
  copied                                a file this session copied (the original of a backup it made)
  versions                              a text file with another version of it here (report.md, report_v2.md)
  dated                                 a file dated in the year of a folder this session made here
                                        (PXL_20200926_104233.jpg when it made '2020')
  a pattern with * ? or [ ]             names like it, case ignored: *.tmp, IMG_*, 20??
  ! before a pattern                    but not names like it: `config !*_backup* !*.bak` (a config, not a backup)
For a step that makes something (mkdir, touch, echo), the words after `->` are the shapes of the new name,
as in data/themes_en.txt: `-> archive_{y} old-reports` ({y} a year, {m} a month, {topic} a topic...).
For a step that renames or copies a file, shapes with {stem} and {ext} (the old name's parts) name the new
one: `-> {stem}_final{ext} {stem}_draft{ext}` (report_new.docx becomes report_final.docx).
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import lru_cache

from .contents import kind_of
from .state import Dir
from ...rng import Rand
from .plays import has_version
from .world import (BAD_NAME_RE, EMPTY_FOLDERS, OLD_NAME_HOLES, THEMES, EmptyFolders, FilesLike, Versions, fill_shape,
                    year_of)


@dataclass(frozen=True, slots=True, eq=False)
class Focus:
    """What a scenario step acts on: test(fs, d, name) for existing things (None: anything), the shapes
    of the names it gives new things (empty: the usual names), and what the session's folder should hold
    for the step to be played (world.FilesLike, world.EmptyFolders; () when the theme makes nothing the step
    is about), or None.
    Made once per run and read on every turn: slots, whose reads the interpreter specialises (a NamedTuple's
    field read takes the generic attribute path)."""
    test: object
    shapes: tuple
    holds: tuple | None = None
    renames: tuple = ()  # the shapes that name a renamed or copied file after the old one ({stem}_final{ext})

_KINDS = ("log", "csv", "notes", "code", "config")
_MEDIA = frozenset("jpg jpeg png heic gif webp svg bmp tiff mp3 mp4 mov avi mkv wav m4a flac aac webm psd ai eps "
                   "fig raw".split())
_OFFICE = frozenset("pdf doc docx xls xlsx ppt pptx odt ods odp key pages numbers rtf epub".split())
_ARCHIVE = re.compile(r"\.(zip|gz|tgz|bz2|xz|7z|rar|tar|dmg|iso)$", re.I)
_FILE_KINDS = ("text", *_KINDS, "media", "office", "archive")  # words a file's name alone decides
WORDS = (*_FILE_KINDS, "file", "folder", "empty", "where", "made", "copied", "dated", "versions")


def _ext(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name.lstrip(".") else ""


def _test(word: str, where: str | None):
    """(fs, d, name) -> bool for one word of a filter (the file kinds: see _kinds_test).  A filter runs on
    every name a request may pick: the tests read fs.here themselves rather than call fs.is_file or is_dir."""
    if word == "file":
        return lambda fs, d, n: n in fs.here and not isinstance(fs.here[n], Dir)
    if word == "folder":
        return lambda fs, d, n: isinstance(fs.here.get(n), Dir)
    if word == "empty":
        return lambda fs, d, n: isinstance(fs.here.get(n), Dir) and fs.here[n].is_empty()
    if word == "where":
        tops = frozenset(THEMES[where][0]) if where in THEMES else frozenset()
        return lambda fs, d, n: n in tops and isinstance(fs.here.get(n), Dir)
    if word == "made":
        return lambda fs, d, n: n in d.kept(fs) or n in d.made_here(fs)
    if word == "versions":
        return has_version
    if word == "copied":
        return lambda fs, d, n: n in d.listed_here(fs, "copied")
    if word == "dated":
        def dated(fs, d, n):
            y = year_of(n)
            return y is not None and fs.is_file(n) and any(y in m for m in d.made_here(fs))
        return dated
    named = _name_test(word)  # a pattern: a file or a folder so named
    return lambda fs, d, n: named(n)


def _kinds_test(words: list[str]):
    """(fs, d, name) -> bool: a file of one of the kinds `words` names (text, log, media...), one test for all."""
    named = [_name_test(w) for w in words]
    if len(named) == 1:
        one_kind = named[0]
        return lambda fs, d, n: one_kind(n) and n in fs.here and not isinstance(fs.here[n], Dir)

    def test(fs, d, n) -> bool:
        for t in named:
            if t(n):
                return n in fs.here and not isinstance(fs.here[n], Dir)
        return False
    return test


def _any_of(tests: list):
    """One test passing when any of `tests` does (name patterns joined into one regex, the file kinds into one
    test: a filter runs on every name a request may pick)."""
    if len(tests) == 1:
        return tests[0]

    def test(*args) -> bool:
        for t in tests:
            if t(*args):
                return True
        return False
    return test


def _patterns_first(words: list[str]) -> list[str]:
    """`words` with its name patterns joined into one ('*.tmp *.bak' -> '*.tmp|*.bak'), the others as they are."""
    patterns = [w for w in words if w not in WORDS]
    return [w for w in words if w in WORDS] + (["|".join(patterns)] if patterns else [])


def _pattern(word: str):
    """The regex of a pattern word, or of several joined with |."""
    return re.compile("|".join(fnmatch.translate(w.lower()) for w in word.split("|")))


@lru_cache(maxsize=None)  # one per word: a step's filter and what its session's folder holds share it
def _name_test(word: str):
    """name -> bool: whether a file of this name is what `word` names (None for words about folders or
    about the session: what a folder holds cannot be made to fit them).  It remembers its answers for the
    last thousand names: a conversation asks about the names of the same few folders, as they are filled
    and then request after request."""
    rule = _name_rule(word)
    return None if rule is None else lru_cache(maxsize=1024)(rule)


def _name_rule(word: str):
    """_name_test's test, without its memory."""
    if word == "text":
        return lambda n: kind_of(n) is not None
    if word in _KINDS:
        return lambda n: kind_of(n) == word
    if word == "media":
        return lambda n: _ext(n) in _MEDIA
    if word == "office":
        return lambda n: _ext(n) in _OFFICE
    if word == "archive":
        return lambda n: _ARCHIVE.search(n) is not None
    if word == "dated":
        return lambda n: year_of(n) is not None
    if word in WORDS:  # file, folder, empty, where, made
        return None
    rx = _pattern(word)
    return lambda n: rx.match(n.lower()) is not None


@lru_cache(maxsize=None)
def _samples(shape: str) -> tuple[str, ...]:
    """Three names of a theme's file shape, the same every time: what _holds tests (once per shape, not once
    per step of every scenario: seeding a generator for each was a tenth of start-up).  A shape without holes
    is its one name (half of them: no generator to seed)."""
    if "{" not in shape:
        return (shape,)
    return tuple(fill_shape(shape, Rand(k, 0x0B1EC7)) for k in range(3))


# (words, where) -> the file shapes of the theme whose sample names the words name: what _holds works out,
# which was most of compiling the scenarios' filters on every start; the scenarios' cache keeps it (see held)
_held: dict[tuple[str, str], tuple[str, ...]] = {}


def _holds(words: list[str], where: str | None) -> FilesLike | EmptyFolders | Versions | tuple | None:
    """What a session's folder (theme `where`) must hold so that it has something for the step: files of the
    theme's shapes whose names the words name ("delete the screenshots" where there are some), or, for
    `empty` alone, empty folders (a clean-up of unused folders has some), or, for `versions` alone, a text
    file and its second version (drafts to compare); () when the theme makes no such
    names (the step may find nothing to act on); None when the words are not about kinds of file (any file,
    a folder, what the session made)."""
    if words == ["empty"] and where in THEMES:
        return EmptyFolders(EMPTY_FOLDERS)
    if words == ["versions"] and where in THEMES:  # a text file and its second version
        return Versions(tuple(x for x in THEMES[where][1] if all(kind_of(n) for n in _samples(x))))
    tests = [_name_test(w) for w in _patterns_first(words)]
    if where not in THEMES or not tests or None in tests:
        return None
    test = _any_of(tests)
    key = (" ".join(words), where)
    shapes = _held.get(key)
    if shapes is None:
        shapes = _held[key] = tuple(x for x in THEMES[where][1] if all(test(n) for n in _samples(x)))
    return FilesLike(shapes, test) if shapes else ()


def held(filters) -> dict:
    """What _holds finds for these (filter as written, where) pairs, as data to keep: remember() takes it back."""
    for words, where in filters:
        compile_filter(words, where)
    keys = {(_named_words(words), where) for words, where in filters}  # as compile_filter gives them to _holds
    return {k: _held[k] for k in keys if k in _held}


def remember(found: dict) -> None:
    """Take back what held() gave (from the cache: no sample names to make and test)."""
    _held.update(found)


def problem(words: str, where: str | None) -> str | None:
    """Why `words` is not a filter (for the scenario's `where`), or None."""
    words, arrow, names = words.partition("->")
    if arrow and not names.split():
        return "write the shapes of the new names after '->' (-> archive_{y} to-sort)"
    for w in names.split():
        if len(w) > 100:
            return f"the name shape {w[:20]!r}... is longer than 100 characters"
        for k in range(3 if "{" in w else 1):  # a shape without holes makes one name
            name = OLD_NAME_HOLES.sub("x", fill_shape(w, Rand(k, 0x5A4E)))  # {stem}_final{ext}: the old name's parts
            if "{" in name or "}" in name or BAD_NAME_RE.search(name) or name in (".", ".."):
                return f"the name shape {w!r} has an unknown hole or makes an illegal name ({name!r})"
    if words.split() and all(w.startswith("!") for w in words.split()):
        return "a filter of only '!' patterns names nothing: say what it is about first (config !*_backup*)"
    for w in words.split():
        if w.startswith("!"):  # !*_backup*: but not names like it
            w = w[1:]
            if not any(c in w for c in "*?["):
                return f"'!' goes before a name pattern such as !*_backup*, not before {w!r}"
        if w in WORDS:
            if w == "where" and where is None:
                return "'where' names the scenario's place, and this scenario has no 'where:'"
            continue
        if not any(c in w for c in "*?["):
            return f"unknown object word {w!r} (known: {', '.join(WORDS)}, or a pattern such as *.tmp)"
        if "/" in w:
            return f"a pattern names things in one folder, without '/': {w!r}"
    return None


def _named_words(words: str) -> str:
    """The words of a filter that name what its step acts on: not the names it gives (-> ...) nor those it
    leaves out (!pattern).  What the scenarios' cache keeps for a filter is filed under them (see held)."""
    return " ".join(w for w in words.partition("->")[0].split() if not w.startswith("!"))


@lru_cache(maxsize=None)
def compile_filter(words: str, where: str | None) -> Focus | None:
    """The Focus of `words` (checked by problem() first); None for ''."""
    given, _, names = words.partition("->")
    shapes = tuple(x for x in names.split() if not OLD_NAME_HOLES.search(x))
    renames = tuple(x for x in names.split() if OLD_NAME_HOLES.search(x))
    unless = [w[1:] for w in given.split() if w.startswith("!")]  # "config !*_backup*": a config, not a backup
    words = _named_words(words)
    kinds = [w for w in words.split() if w in _FILE_KINDS]
    tests = [_test(w, where) for w in _patterns_first(words.split()) if w not in _FILE_KINDS]
    if kinds:
        tests.insert(0, _kinds_test(kinds))
    if not tests and not shapes and not renames:
        return None
    test = named = _any_of(tests) if tests else None
    if named is not None and unless:
        excluded = _name_test("|".join(unless))

        def test(fs, d, n) -> bool:
            return not excluded(n) and named(fs, d, n)
    return Focus(test, shapes, _holds(words.split(), where), renames)


PLACES = frozenset(THEMES)
