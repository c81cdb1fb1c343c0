"""The starting tree's top level: its themed folders, and the hidden folder filled on its first look."""
from generator.domains.filesystem.contents import text_of
from generator.domains.filesystem.state import Dir, PendingDir
from generator.domains.filesystem.world import _HIDDEN_DIR_FILES, THEMES, make_tree
from generator.rng import Rand

_THEME_OF = {f: t for t, (folders, _) in THEMES.items() for f in folders}


def test_top_folders_are_of_distinct_themes_the_place_first():
    for i in range(200):
        root = make_tree(Rand(4, i), "photos")
        themes = [_THEME_OF[k] for k, v in root.children.items()
                  if isinstance(v, Dir) and not v.is_empty() and k in _THEME_OF]  # not an empty 'temp'
        assert themes[0] == "photos" and 3 <= len(themes) <= 5 and len(set(themes)) == len(themes)


def test_hidden_folder_is_filled_on_its_first_look_always_alike():
    seen = 0
    for i in range(100):
        root = make_tree(Rand(5, i), "notes")
        for name, d in root.children.items():
            if name not in _HIDDEN_DIR_FILES:
                continue
            seen += 1
            assert d.__class__ is PendingDir and not d.is_empty()
            twin = d.clone()  # shares the recipe: the same files, with the same text
            assert 1 <= len(d.children) <= 2 and set(d.children) <= set(_HIDDEN_DIR_FILES[name])
            assert {k: text_of(v) for k, v in twin.children.items()} == {k: text_of(v) for k, v in d.children.items()}
    assert 30 <= seen <= 70  # half the trees have one
