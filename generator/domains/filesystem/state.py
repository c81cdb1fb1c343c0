"""The simulated file system: a tree and a current folder.  What each tool may do to it is declared in
the tool's own module (tools/<name>.py); this module only dispatches to it.

Semantics follow the public reference simulator of this tool set (BFCL's GorillaFileSystem), kept to the
subset on which it is unambiguous: every call acts on the current folder, names never hold a path or any
of |/\\?%*:"<>.  A file is its content: a str, or a recipe (contents.Recipe: a tuple)
until something reads it.
"""
from __future__ import annotations

import re

from .contents import kind_of, placeholder, text_of

BAD_NAME_CHARS = frozenset('|/\\?%*:"<>')


class IllegalCall(ValueError):
    """A call the file system refuses; the generator must never emit one."""


class Dir:
    """A folder: its name and what it holds.  No link back to the folder it is in (FileSystem keeps the way
    down): a tree without cycles is freed the moment its conversation is done, not by the garbage collector."""
    __slots__ = ("name", "children", "_pending")

    def __init__(self, name: str) -> None:
        self.name = name
        # name -> Dir (a folder) or a file's content (str, or a recipe tuple); insertion order is listing order
        self.children: dict = {}
        self._pending = None  # (fill, args) while a PendingDir

    def is_empty(self) -> bool:
        """Whether the folder holds nothing, answered without making a pending folder's contents: a pending
        fill always makes something (world._populate puts at least one file in every folder it fills)."""
        return self._pending is None and not self.children

    def add_dir(self, name: str) -> "Dir":
        d = Dir(name)
        self.children[name] = d
        return d

    def add_file(self, name: str, content: str = "") -> None:
        self.children[name] = content

    def clone(self, name: str | None = None) -> "Dir":
        name = self.name if name is None else name
        if self._pending is not None:  # not made yet: the clone shares the recipe
            d = PendingDir()
            d.name, d._pending = name, self._pending
            return d
        d = Dir(name)
        kids = d.children
        for k, v in self.children.items():
            kids[k] = v.clone() if isinstance(v, Dir) else v
        return d

    def size(self) -> int:
        return sum(v.size() if isinstance(v, Dir) else len(text_of(v).encode()) for v in self.children.values())

    def to_gorilla(self) -> dict:
        """This folder in GorillaFileSystem's scenario layout."""
        contents = {}
        for k, v in self.children.items():
            if isinstance(v, Dir):
                contents[k] = v.to_gorilla()
            else:
                text = text_of(v)
                if v.__class__ is tuple and not text:  # a recipe
                    text = placeholder(k)
                contents[k] = {"type": "file", "content": text}
        return {"type": "directory", "contents": contents}


class PendingDir(Dir):
    """A folder whose contents are *pending*: a pure function (fill, args) makes them on first look, so a
    generated world only builds the folders a conversation actually visits; a clone of a pending folder shares
    the recipe, which yields the same contents whenever it is run.  Until then `children` is unset, and its
    first read comes to __getattr__, which fills the folder and makes it an ordinary Dir: a class with
    __getattr__ is slower to read any attribute of, and a Dir's are read all the time.

    Made in two steps, `d = PendingDir()` then `d.name, d._pending = name, (fill, args)`: a class whose
    __init__ is object's is called in C alone, at half the cost of one with its own (a tree makes five)."""
    __slots__ = ()
    __init__ = object.__init__

    def __getattr__(self, attr: str):
        if attr != "children":
            raise AttributeError(attr)
        fill, args = self._pending
        self.__class__ = Dir
        self._pending = None
        self.children = {}
        fill(self, *args)
        return self.children


_BAD_NAME = re.compile("[" + re.escape("".join(sorted(BAD_NAME_CHARS))) + "]")


def valid_name(name: object) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and _BAD_NAME.search(name) is None


class FileSystem:
    __slots__ = ("root", "cwd", "here", "_up", "_path")
    tools: dict = {}  # name -> Tool, set once by the domain's registry (tools declare their semantics)
    arg_names: dict = {}  # name -> frozenset of its parameter names, set with `tools`

    def __init__(self, root: Dir) -> None:
        self.root = self.cwd = root
        self.here: dict = root.children  # the current folder's contents, looked up once per cd (read all the time)
        self._up: list = []  # the folders above the current one, the root first
        self._path = "/"  # kept with cwd: only cd moves it (nothing else can rename a folder above us)

    def enter(self, d: Dir, path: str | None = None) -> None:
        """Go into `d`, a folder of the current one."""
        self._up.append(self.cwd)
        self.cwd = d
        self.here = d.children
        if path is not None:
            self._path = path

    def leave(self, path: str) -> None:
        """Go back up to the folder above."""
        d = self.cwd = self._up.pop()
        self.here = d.children
        self._path = path

    # ---- queries on the current folder -------------------------------------------------------
    def path(self) -> str:
        return self._path

    def at_root(self) -> bool:
        return not self._up

    def has(self, name: str) -> bool:
        return name in self.here

    def is_file(self, name: str) -> bool:
        v = self.here.get(name)
        return v is not None and not isinstance(v, Dir)

    def is_dir(self, name: str) -> bool:
        return isinstance(self.here.get(name), Dir)

    def is_text_file(self, name: str) -> bool:
        return self.is_file(name) and kind_of(name) is not None

    def files(self) -> list[str]:
        return [k for k, v in self.here.items() if not isinstance(v, Dir)]

    def text_files(self) -> list[str]:
        return [k for k, v in self.here.items() if not isinstance(v, Dir) and kind_of(k) is not None]

    def dirs(self) -> list[str]:
        return [k for k, v in self.here.items() if isinstance(v, Dir)]

    def names(self) -> list[str]:
        return list(self.here)

    def listing(self, hidden: bool = False) -> list[str]:
        return [k for k in self.here if hidden or not k.startswith(".")]

    def text(self, name: str) -> str:
        """The text of file `name` here (made from its recipe the first time, then kept)."""
        v = self.here[name]
        if v.__class__ is tuple:  # a recipe
            v = self.here[name] = text_of(v)
        return v

    def clone(self) -> "FileSystem":
        """An independent copy with the same current folder."""
        fs = FileSystem(self.root.clone())
        for d in self._up[1:] + [self.cwd] if self._up else ():
            fs.enter(fs.here[d.name])
        fs._path = self._path
        return fs

    # ---- legality and application: each tool's own declaration -------------------------------
    def check(self, tool: str, args: dict) -> str | None:
        """Why the call is illegal here, or None when it is legal."""
        t = self.tools.get(tool)
        if t is None:
            return f"unknown tool {tool!r}"
        if not isinstance(args, dict) or not self.arg_names[tool].issuperset(args):
            return f"{tool}: unknown argument"
        return t.check(self, args)

    def apply(self, tool: str, args: dict) -> None:
        why = self.check(tool, args)
        if why is not None:
            raise IllegalCall(why)
        self.tools[tool].apply(self, args)

    def apply_planned(self, tool: str, args: dict) -> None:
        """Apply a call the planner made legal here: its play chose it from this very state, so it is not
        checked a second time (replay, validate and the tests check every call)."""
        self.tools[tool].apply(self, args)
