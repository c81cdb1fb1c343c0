"""What the conversation so far lets the user refer to: "it", "the copy", "the folder we made", "the
second file we created", "the same for x".  Forms declare what they add (`Form.notes`); this module keeps
the record and answers only when the referent is unique.  Knows no tool by name.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..base import Action


PREV_NOTES = frozenset({"it", "copy", "other"})  # keys only the previous call's notes answer (Discourse.noted)


@dataclass(slots=True)  # slots: the plays read its fields on every try
class Discourse:
    """What earlier turns let later ones refer to: the previous call, what was made, read, removed or named."""
    prev: Action | None = None
    prev_path: str = ""
    prev_notes: dict = field(default_factory=dict)  # discourse key -> value the previous call noted
    lists: dict = field(default_factory=dict)  # key ('made', 'touched', 'read') -> [(folder path, name), ...] in order
    gone: set = field(default_factory=set)  # (folder path, name) removed or moved away
    mentioned: set = field(default_factory=set)  # (folder path, name) any call has named: what a session is about
    focus: object = None  # (fs, d, name) -> bool: what the scenario's current step acts on (None: anything)
    looked: dict = field(default_factory=dict)  # tool -> [(folder path, args, subject)]: looks not made stale since

    def record(self, action: Action, path: str, notes) -> None:
        """Note `action`, played in folder `path` (the current folder before the call); `notes` are its
        form's (key, argument) pairs."""
        args, mentioned = action.args, self.mentioned
        for v in args.values():
            if v.__class__ is str:
                mentioned.add((path, v))
        self.prev_notes = prev_notes = {}
        looked = False
        gone = renamed = None
        for key, arg in notes:
            value = args.get(arg)
            if key in PREV_NOTES:
                prev_notes[key] = value
            elif key == "gone":
                self.gone.add((path, value))
                gone = value
            elif key == "looked":
                looked = True
            else:
                if key == "renamed":
                    renamed = value
                self.lists.setdefault(key, []).append((path, value))
        if looked:
            self.looked.setdefault(action.tool, []).append((path, args, action.subject))
        elif self.looked:  # a change: a look at what it names, or at a folder, may show something new
            named = {v for v in args.values() if v.__class__ is str}
            kept = {}
            for tool, asked in self.looked.items():  # ("open notes.md", "make a folder", "open notes.md" again: no)
                stays = []
                for x in asked:
                    if x[2] is None or x[2][1]:
                        continue
                    if renamed is not None and x[0] == path and x[2][0] == gone:
                        # a rename changes what a file is called, not what a look at it showed: "print
                        # packing_list.txt", "rename it", "now I'd like it on screen" shows nothing new
                        x = (path, {k: renamed if v == gone else v for k, v in x[1].items()}, (renamed, False))
                    elif any(v in named for v in x[1].values() if v.__class__ is str):
                        continue
                    stays.append(x)
                if stays:
                    kept[tool] = stays
            self.looked = kept
        self.prev, self.prev_path = action, path

    def noted(self, key: str, fs) -> str | None:
        """What the previous call, made in this folder, noted under `key` ('it', 'copy'), if it still exists."""
        name = self.prev_notes.get(key)  # first: most calls noted nothing under most keys
        return name if name is not None and self.prev_path == fs.path() and fs.has(name) else None

    def it(self, fs) -> tuple[str, bool] | None:
        """The one thing 'it' can mean: what the previous call created, opened or renamed, here."""
        name = self.noted("it", fs)
        return None if name is None else (name, fs.is_dir(name))

    def made_folder(self, fs) -> str | None:
        """'the folder we made': only when exactly one folder was made and it is here, untouched."""
        made = self.lists.get("made", ())
        if len(made) != 1:
            return None
        path, name = made[0]
        if path != fs.path() or (path, name) in self.gone or not fs.is_dir(name):
            return None
        return name

    def listed_here(self, fs, *keys: str) -> set:
        """Names here that the conversation's calls listed under `keys` ('kept', 'made', 'renamed', ...)."""
        here, found = fs.path(), set()
        for key in keys:  # loops: a comprehension reading `here` would make it a cell, and itself, per call
            for path, n in self.lists.get(key, ()):
                if path == here:
                    found.add(n)
        return found

    def kept(self, fs) -> set:
        """Names here this conversation made, wrote, renamed or put something into: what the user means to
        keep, so no plain "delete x" goes after it (only a request that says why, such as "the folder we
        made is not needed after all")."""
        return self.listed_here(fs, "kept")

    def made_here(self, fs) -> set:
        """Names here this conversation made (folders) or created (files)."""
        return self.listed_here(fs, "made", "touched")

    def gone_here(self, fs) -> frozenset:
        """Names the conversation removed or renamed away here: a new name never brings one back (a copy named
        minutes_v2.txt right after minutes_v2.txt was renamed minutes_v3.txt)."""
        if not self.gone:
            return frozenset()
        here = fs.path()
        return frozenset(n for path, n in self.gone if path == here)

    def ordinals(self, key: str, fs, is_dir: bool) -> list[tuple[str, int]]:
        """(name, position) of the things listed under `key` that are still here: "the second one"."""
        items = self.lists.get(key, ())
        if len(items) < 2 or len({n for _, n in items}) != len(items):
            return []  # with a repeated name, "the second one" could mean two things
        here = fs.path()
        return [(n, pos) for pos, (path, n) in enumerate(items, 1)
                if path == here and (path, n) not in self.gone and fs.has(n) and fs.is_dir(n) == is_dir]
