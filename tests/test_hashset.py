from hypothesis import given
from hypothesis import strategies as st

from generator.hashset import DigestSet


@given(st.lists(st.text(max_size=12), max_size=300))
def test_behaves_like_a_set_of_digests(texts):
    s = DigestSet(capacity=2)  # small: forces growth
    ref = set()
    for t in texts:
        h = DigestSet.digest(t)
        assert s.add(h) == (h not in ref)
        ref.add(h)
    assert len(s) == len(ref)
