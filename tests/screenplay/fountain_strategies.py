"""Hypothesis strategies for Fountain-like text, shared by the property tests."""

from __future__ import annotations

from hypothesis import strategies as st

# Lines built from the pieces that drive Fountain's rules, so that random text hits them often.
PIECES = [
    "INT. HOUSE - DAY", "EXT ", "int. ", "I/E ", ".", "!", "@", "~", ">", "<", "=", "===", "#", "##",
    "^", "(", ")", "(beat)", "[[", "]]", "/*", "*/", "TO:", "CUT TO:", "BOB", "ÉTIENNE", "McCLANE",
    "Title:", "Author:", " ", "  ", "   ", "\t", "*", "**", "_", "\\", "a", "word", "Hi.", "#1A#",
    "(V.O.)", "\ufeff", "\r", "\r\n", ":", "黒澤", "\ue000", "0", "9",
]
line = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=6).map("".join)
fountain_text = st.lists(line, max_size=25).map("\n".join)
