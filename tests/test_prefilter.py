"""The literal pre-checks in front of the status and law patterns never hide a match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from foi_extract.rules import prefilter
from foi_extract.rules import status_cues as C
from foi_extract.rules.letter import _LEGISLATION
from foi_extract.rules.prefilter import fold, may_match, required, search

SYNTHETIC = Path(__file__).resolve().parent.parent / "fixtures" / "synthetic"
PATTERNS = (
    [c.pattern for c in C.STATUS_CUES] + [*C.IGNORED, C.ARGUMENT] + [p for _, p in _LEGISLATION]
)


def _sentences() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SYNTHETIC.glob("*.txt")))
    plain = [s for s in re.split(r"(?<=[.!?])\s+|\n\s*\n", text) if s.strip()]
    # re.IGNORECASE also matches these letters: upper case, long s, dotless i, Kelvin sign
    odd = [s.replace("s", "\u017f").replace("i", "\u0131").replace("k", "\u212a") for s in plain]
    return plain + [s.upper() for s in plain] + odd


def test_no_sentence_a_pattern_matches_is_skipped() -> None:
    matched = skipped = 0
    for sentence in _sentences():
        folded = fold(sentence)
        for pattern in PATTERNS:
            ok = may_match(required(pattern), folded)
            if pattern.search(sentence):
                matched += 1
                assert ok, f"prefilter hides {pattern.pattern[:40]!r} in {sentence!r}"
            skipped += not ok
    assert matched > 200 and skipped > matched  # the check ran, and it does skip work


def test_required_words_come_from_every_alternative() -> None:
    assert required(re.compile(r"not\s+held|nil\s+return", re.I)) == (
        "held",
        "return",
    )  # the longest word of each
    assert required(re.compile(r"a|(?:b)?", re.I)) is None  # an empty alternative needs nothing
    assert not may_match(("held",), fold("We hold it."))
    assert may_match(("held",), fold("NOT HELD"))


def test_search_finds_the_same_match_as_the_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    """Searched alternative by alternative, a cue still reports the very span the pattern does."""
    monkeypatch.setattr(prefilter, "_WARM_AFTER", 0)
    found = 0
    for sentence in _sentences():
        folded = fold(sentence)
        for pattern in PATTERNS:
            m, ours = pattern.search(sentence), search(pattern, sentence, folded)
            assert (m and m.span()) == (ours and ours.span()), (pattern.pattern[:40], sentence)
            found += m is not None
    assert found > 200
    # leftmost wins; at the same start the earlier alternative wins, as in the regex engine
    assert search(re.compile("ab|abc"), "xabc", "xabc").span() == (1, 3)  # type: ignore[union-attr]
    assert search(re.compile("bc|abc"), "xabc", "xabc").span() == (1, 4)  # type: ignore[union-attr]
