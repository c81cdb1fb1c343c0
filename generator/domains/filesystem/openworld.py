"""The open-world replay: what the calls of a conversation prove about a file system nobody has shown us.

Anything unproven is allowed (a name never seen before may exist); a call that contradicts what earlier
calls proved ("cat notes.txt" after "rm notes.txt") is reported.  Each tool declares its step
(`Tool.open_step`) with the three moves below.  `validate` uses it to find contradictions; `augment`
uses what it had to assume (`assumed`) to rebuild a starting tree on which a seed's calls are legal.
"""
from __future__ import annotations

# known states of (folder, name): 'file', 'dir', 'some' (exists, kind unknown), 'gone'
_NOUN = {"file": "a file", "dir": "a folder"}


def reads_files(tool: str, *args: str):
    """The open-world step of a tool that reads the files its `args` name: each must be a file here."""
    def step(world: "OpenWorld", a: dict) -> str | None:
        for arg in args:
            why = world.require(tool, a.get(arg), "file")
            if why:
                return why
        return None
    return step


class OpenWorld:
    def __init__(self, tools: dict) -> None:
        self.tools = tools
        self.cwd: tuple = ()
        self.fresh = 0
        self.known: dict[tuple, str] = {}
        self.made: set[tuple] = set()  # folders created by a call: they start empty
        self.assumed: list[tuple[tuple, str, str]] = []  # (folder, name, kind) the start must hold

    def step(self, tool: str, args: dict) -> str | None:
        """Apply one call; returns a contradiction or None (tools we do not model prove nothing)."""
        t = self.tools.get(tool)
        if t is None or not isinstance(args, dict):
            return None
        return t.open_step(self, args)

    # ---- the moves tools are made of ---------------------------------------------------------
    def state(self, name) -> str | None:
        return self.known.get((self.cwd, name))

    def in_made_folder(self) -> bool:
        return any(self.cwd[:i] in self.made for i in range(1, len(self.cwd) + 1))

    def require(self, tool: str, name, kind: str = "any") -> str | None:
        """`name` must exist here (as a 'file', a 'dir' or 'any')."""
        if not isinstance(name, str):
            return None
        s = self.state(name)
        if s == "gone":
            return f"{tool} of {name!r}, which was removed or moved earlier"
        if s in _NOUN and kind in _NOUN and s != kind:
            return f"{tool} of {name!r}, which an earlier call made {_NOUN[s]}"
        if s is None:
            if self.in_made_folder():
                return f"{tool} of {name!r}, in a folder made empty earlier that never received it"
            self.assumed.append((self.cwd, name, kind))
        if s is None or (s == "some" and kind in _NOUN):
            self.known[(self.cwd, name)] = kind if kind in _NOUN else "some"
        return None

    def create(self, tool: str, name, kind: str) -> str | None:
        """`name` is made here and must not exist yet."""
        if not isinstance(name, str):
            return None
        if self.state(name) in ("file", "dir", "some"):
            return f"{tool} {name!r}, which already exists here"
        self.known[(self.cwd, name)] = kind
        if kind == "dir":
            self.made.add(self.cwd + (name,))
        return None

    def write(self, tool: str, name) -> str | None:
        """`name` is written here: an existing file is replaced, a new one made; a folder cannot be."""
        if not isinstance(name, str):
            return None
        if self.state(name) == "dir":
            return f"{tool} into {name!r}, which an earlier call made a folder"
        self.known[(self.cwd, name)] = "file"
        return None

    def remove(self, tool: str, name, kind: str = "any") -> str | None:
        why = self.require(tool, name, kind)
        if why is None and isinstance(name, str):
            self.known[(self.cwd, name)] = "gone"
        return why

    def transfer(self, tool: str, source, destination, keep_source: bool) -> str | None:
        """cp/mv: `destination` is an existing folder to put `source` into, or a new name for it."""
        if not isinstance(source, str) or not isinstance(destination, str):
            return None
        why = self.require(tool, source)
        if why:
            return why
        kind = self.state(source)
        if "/" in destination:
            return None
        d = self.state(destination)
        if d == "file":
            return f"{tool} onto {destination!r}, an existing file"
        if d == "dir":
            inside = self.known.get((self.cwd + (destination,), source))
            if inside in ("file", "dir", "some"):
                return f"{tool} of {source!r} into {destination!r}, which already holds a {source!r}"
            self.known[(self.cwd + (destination,), source)] = kind
        else:  # unknown: maybe a folder to copy into, maybe a new name; a removed name is a new name
            self.known[(self.cwd, destination)] = kind if d == "gone" else "some"
        if not keep_source:
            self.known[(self.cwd, source)] = "gone"
        return None

    def enter(self, folder) -> str | None:
        if not isinstance(folder, str):
            return None
        if folder == "..":
            if self.cwd and not self.cwd[-1].startswith("?"):
                self.cwd = self.cwd[:-1]
            else:  # above where we started: somewhere we know nothing about
                self.fresh += 1
                self.cwd = (f"?{self.fresh}",)
            return None
        if "/" in folder or folder in (".", "~"):
            self.fresh += 1
            self.cwd = (f"?{self.fresh}",)
            return None
        why = self.require("cd", folder, "dir")
        if why:
            return why.replace("cd of", "cd into", 1)
        self.cwd = self.cwd + (folder,)
        return None
