"""The simulator's semantics, case by case (aligned with GorillaFileSystem's)."""
import pytest

from generator.domains.filesystem.state import Dir, FileSystem, IllegalCall


def small_fs() -> FileSystem:
    root = Dir("home")
    docs = root.add_dir("docs")
    docs.add_file("a.txt", "A")
    root.add_dir("empty")
    root.add_file("notes.md", "N")
    root.add_file(".bashrc", "B")
    return FileSystem(root)


def test_ls_hides_dot_files_unless_a():
    fs = small_fs()
    assert fs.listing() == ["docs", "empty", "notes.md"]
    assert ".bashrc" in fs.listing(hidden=True)
    assert fs.check("ls", {}) is None and fs.check("ls", {"a": True}) is None
    assert fs.check("ls", {"a": "yes"}) is not None


def test_cd_one_level_and_never_above_root():
    fs = small_fs()
    assert fs.check("cd", {"folder": ".."}) is not None
    assert fs.check("cd", {"folder": "notes.md"}) is not None  # a file
    assert fs.check("cd", {"folder": "docs/x"}) is not None  # a path
    fs.apply("cd", {"folder": "docs"})
    assert fs.path() == "/docs"
    fs.apply("cd", {"folder": ".."})
    assert fs.at_root()


def test_cat_files_only():
    fs = small_fs()
    assert fs.check("cat", {"file_name": "notes.md"}) is None
    assert fs.check("cat", {"file_name": "docs"}) is not None
    assert fs.check("cat", {"file_name": "missing"}) is not None


@pytest.mark.parametrize("tool,key", [("mkdir", "dir_name"), ("touch", "file_name")])
def test_create_only_new_valid_names(tool, key):
    fs = small_fs()
    assert fs.check(tool, {key: "notes.md"}) is not None
    for bad in "|/\\?%*:\"<>":
        assert fs.check(tool, {key: f"x{bad}y"}) is not None
    fs.apply(tool, {key: "fresh"})
    assert fs.has("fresh") and fs.is_dir("fresh") == (tool == "mkdir")


def test_rm_file_or_folder():
    fs = small_fs()
    fs.apply("rm", {"file_name": "docs"})
    fs.apply("rm", {"file_name": "notes.md"})
    assert fs.names() == ["empty", ".bashrc"]
    with pytest.raises(IllegalCall):
        fs.apply("rm", {"file_name": "docs"})


@pytest.mark.parametrize("tool", ["cp", "mv"])
def test_cp_mv_into_folder_or_new_name_never_onto_a_file(tool):
    fs = small_fs()
    assert fs.check(tool, {"source": "notes.md", "destination": ".bashrc"}) is not None  # onto a file
    assert fs.check(tool, {"source": "notes.md", "destination": "notes.md"}) is not None
    assert fs.check(tool, {"source": "nope", "destination": "docs"}) is not None
    assert fs.check(tool, {"source": "notes.md", "destination": "docs/x"}) is not None
    fs.apply(tool, {"source": "notes.md", "destination": "docs"})
    assert "notes.md" in fs.cwd.children["docs"].children
    assert fs.has("notes.md") == (tool == "cp")
    fs.apply(tool, {"source": "docs", "destination": "renamed"})
    assert fs.is_dir("renamed") and fs.has("docs") == (tool == "cp")


def test_cp_refuses_a_name_already_in_the_target_folder():
    fs = small_fs()
    fs.apply("cp", {"source": "notes.md", "destination": "docs"})
    assert fs.check("cp", {"source": "notes.md", "destination": "docs"}) is not None


def test_copied_folder_is_independent():
    fs = small_fs()
    fs.apply("cp", {"source": "docs", "destination": "docs2"})
    fs.apply("cd", {"folder": "docs2"})
    fs.apply("rm", {"file_name": "a.txt"})
    fs.apply("cd", {"folder": ".."})
    assert "a.txt" in fs.cwd.children["docs"].children


def test_clone_keeps_current_folder_and_is_independent():
    fs = small_fs()
    fs.apply("cd", {"folder": "docs"})
    c = fs.clone()
    assert c.path() == "/docs"
    c.apply("rm", {"file_name": "a.txt"})
    assert fs.has("a.txt")


def test_path_follows_cd_and_clone():
    fs = small_fs()
    assert fs.path() == "/"
    fs.apply("cd", {"folder": "docs"})
    fs.apply("mkdir", {"dir_name": "sub"})
    fs.apply("cd", {"folder": "sub"})
    assert fs.path() == "/docs/sub" and fs.clone().path() == "/docs/sub"
    fs.apply("cd", {"folder": ".."})
    fs.apply("cd", {"folder": ".."})
    assert fs.path() == "/" and fs.at_root()


def test_world_data_is_sound():
    """Name pools and shapes hold no forbidden character; themes never share a folder name (make_tree
    relies on it); every tree is 2-4 levels deep with dot-files at the root."""
    from generator.rng import Rand
    from generator.domains.filesystem.world import HIDDEN_FILES, SUB_FOLDERS, THEMES, make_tree, pools
    from generator.domains.filesystem.state import valid_name
    assert set(pools()) == {"word", "person"}
    for words in pools().values():
        assert len(words) > 100 and all(valid_name(w) for w in words)
        assert list(words) == sorted(set(words))  # no name twice: draws stay uniform
    for folders, files in THEMES.values():
        assert all(valid_name(x.replace("{", "").replace("}", "")) for x in folders + files)
    all_folders = [f for folders, _ in THEMES.values() for f in folders]
    assert len(all_folders) == len(set(all_folders))

    def depth(d, level=0):
        subs = [v for v in d.children.values() if isinstance(v, Dir) and not v.name.startswith(".")]
        return max([depth(s, level + 1) for s in subs], default=level)

    for i in range(50):
        tree = make_tree(Rand(9, i))
        assert 2 <= depth(tree) <= 4
        assert any(k in HIDDEN_FILES for k in tree.children)
    assert SUB_FOLDERS


def test_a_finished_conversation_leaves_no_cycles_for_the_garbage_collector():
    """Trees hold no links back up (FileSystem keeps the way down): a conversation's objects are freed as
    soon as it is written, and the collector, which would walk them all, has nothing to do."""
    import gc

    from generator.domains import load
    from generator.domains.filesystem import PRESETS
    from generator.engine import Engine, Settings
    from generator.serialize import to_row
    domain, grammar = load(grammar_dir=None)
    eng = Engine(Settings(seed=2, tools=PRESETS["all"]), grammar, keep_start=False, domain=domain)
    gc.collect()
    gc.disable()
    try:
        for i in range(60):
            to_row(eng.conversation(i))
        assert gc.collect() == 0
    finally:
        gc.enable()
