"""The simulated file system: a tree, a current directory, and the legal moves of each tool.

Semantics follow the public reference simulator of this tool set (BFCL's GorillaFileSystem), kept to the
subset on which it is unambiguous:
  cd     one level at a time into an existing folder, or '..' (never above the root)
  ls     lists the current folder; dot-names only with a=true
  cat    files only
  mkdir / touch   only names that do not exist yet in the current folder
  rm     a file or a folder
  cp/mv  into an existing folder that does not already hold the source's name, or to a new name;
         never onto an existing file, never a path
Names never contain any of |/\\?%*:"<>.  This module knows nothing of phrasing or JSON.
"""
from __future__ import annotations

import re

BAD_NAME_CHARS = frozenset('|/\\?%*:"<>')


class IllegalCall(ValueError):
    """A call the file system refuses; the generator must never emit one."""


class Dir:
    """A folder.  Its contents may be *pending*: a pure function (fill, args) that makes them on first
    look, so a generated world only builds the folders a conversation actually visits; a clone of a
    pending folder shares the recipe, which yields the same contents whenever it is run."""
    __slots__ = ("name", "parent", "_children", "_pending")

    def __init__(self, name: str, parent: "Dir | None" = None, pending: tuple | None = None) -> None:
        self.name = name
        self.parent = parent
        # name -> Dir (a folder) or str (a file's content); insertion order is listing order
        self._children: dict[str, "Dir | str"] = {}
        self._pending = pending

    @property
    def children(self) -> dict[str, "Dir | str"]:
        if self._pending is not None:
            fill, args = self._pending
            self._pending = None
            fill(self, *args)
        return self._children

    def add_dir(self, name: str) -> "Dir":
        d = Dir(name, self)
        self.children[name] = d
        return d

    def add_file(self, name: str, content: str = "") -> None:
        self.children[name] = content

    def clone(self, name: str | None = None, parent: "Dir | None" = None) -> "Dir":
        d = Dir(self.name if name is None else name, parent, self._pending)
        for k, v in self._children.items():
            d._children[k] = v.clone(parent=d) if isinstance(v, Dir) else v
        return d

    def to_gorilla(self) -> dict:
        """This folder in GorillaFileSystem's scenario layout."""
        contents = {}
        for k, v in self.children.items():
            if isinstance(v, Dir):
                contents[k] = v.to_gorilla()
            else:
                contents[k] = {"type": "file", "content": v}
        return {"type": "directory", "contents": contents}


_BAD_NAME = re.compile("[" + re.escape("".join(sorted(BAD_NAME_CHARS))) + "]")


def valid_name(name: object) -> bool:
    return isinstance(name, str) and name not in ("", ".", "..") and _BAD_NAME.search(name) is None


class FileSystem:
    __slots__ = ("root", "cwd", "_here", "_path")

    def __init__(self, root: Dir) -> None:
        self.root = root
        self._enter(root)
        self._path = "/"  # kept with cwd: only cd moves it (nothing else can rename a folder above us)

    def _enter(self, d: Dir) -> None:
        self.cwd = d
        self._here = d.children  # the current folder's dict, looked up once per cd (the hot loop reads it)

    # ---- queries on the current folder -------------------------------------------------------
    def path(self) -> str:
        return self._path

    def at_root(self) -> bool:
        return self.cwd.parent is None

    def has(self, name: str) -> bool:
        return name in self._here

    def is_file(self, name: str) -> bool:
        return isinstance(self._here.get(name), str)

    def is_dir(self, name: str) -> bool:
        return isinstance(self._here.get(name), Dir)

    def files(self) -> list[str]:
        return [k for k, v in self._here.items() if isinstance(v, str)]

    def dirs(self) -> list[str]:
        return [k for k, v in self._here.items() if isinstance(v, Dir)]

    def names(self) -> list[str]:
        return list(self._here)

    def listing(self, hidden: bool = False) -> list[str]:
        return [k for k in self._here if hidden or not k.startswith(".")]

    def clone(self) -> "FileSystem":
        """An independent copy with the same current folder."""
        trail = []
        d = self.cwd
        while d.parent is not None:
            trail.append(d.name)
            d = d.parent
        fs = FileSystem(self.root.clone())
        for name in reversed(trail):
            fs._enter(fs._here[name])
        fs._path = self._path
        return fs

    # ---- legality and application ------------------------------------------------------------
    def check(self, tool: str, args: dict) -> str | None:
        """Why the call is illegal here, or None when it is legal."""
        c = self._here
        if tool == "ls":
            a = args.get("a", False)
            return None if isinstance(a, bool) and set(args) <= {"a"} else "ls takes only a boolean 'a'"
        if tool == "cd":
            f = args.get("folder")
            if f == "..":
                return "cd: already at the root" if self.cwd.parent is None else None
            if not valid_name(f):
                return f"cd: invalid folder name {f!r}"
            return None if isinstance(c.get(f), Dir) else f"cd: {f}: no such folder here"
        if tool == "cat":
            f = args.get("file_name")
            return None if isinstance(c.get(f), str) else f"cat: {f}: no such file here"
        if tool in ("mkdir", "touch"):
            n = args.get("dir_name" if tool == "mkdir" else "file_name")
            if not valid_name(n):
                return f"{tool}: invalid name {n!r}"
            return f"{tool}: {n}: already exists" if n in c else None
        if tool == "rm":
            f = args.get("file_name")
            return None if isinstance(f, str) and f in c else f"rm: {f}: no such file or folder"
        if tool in ("cp", "mv"):
            src, dst = args.get("source"), args.get("destination")
            if not isinstance(src, str) or src not in c:
                return f"{tool}: {src}: no such file or folder"
            if not valid_name(dst):
                return f"{tool}: invalid destination {dst!r}"
            if dst == src:
                return f"{tool}: source and destination are the same"
            if dst in c:
                target = c[dst]
                if not isinstance(target, Dir):
                    return f"{tool}: {dst}: exists and is not a folder"
                if src in target.children:
                    return f"{tool}: {dst}/{src} already exists"
            return None
        return f"unknown tool {tool!r}"

    def apply(self, tool: str, args: dict) -> None:
        why = self.check(tool, args)
        if why is not None:
            raise IllegalCall(why)
        c = self._here
        if tool == "cd":
            f = args["folder"]
            if f == "..":
                self._enter(self.cwd.parent)
                self._path = self._path.rsplit("/", 1)[0] or "/"
            else:
                self._enter(c[f])
                self._path = ("" if self._path == "/" else self._path) + "/" + f
        elif tool == "mkdir":
            self.cwd.add_dir(args["dir_name"])
        elif tool == "touch":
            self.cwd.add_file(args["file_name"])
        elif tool == "rm":
            del c[args["file_name"]]
        elif tool in ("cp", "mv"):
            src, dst = args["source"], args["destination"]
            item = c[src]
            into = c.get(dst)
            if isinstance(into, Dir):
                parent, name = into, src
            else:
                parent, name = self.cwd, dst
            if tool == "mv":
                del c[src]
            if isinstance(item, Dir):
                moved = item if tool == "mv" else item.clone()
                moved.name, moved.parent = name, parent
                parent.children[name] = moved
            else:
                parent.children[name] = item
        # ls and cat change nothing
