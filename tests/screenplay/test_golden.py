"""Golden files: every `name.fountain` under golden/ has `name.json` (the expected document in
the JSON interchange format) and may have `name.fdx` (the expected FDX). Adding a regression case
means adding files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from writersroom.screenplay import Boneyard, fdx, fountain, html, jsonformat

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.fountain"))


def load(name: str):
    return fountain.parse((GOLDEN / f"{name}.fountain").read_bytes().decode("utf-8"))


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 3


@pytest.mark.parametrize("name", CASES)
def test_fountain_parses_to_the_expected_document(name: str) -> None:
    expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    assert jsonformat.to_data(load(name)) == expected


@pytest.mark.parametrize("name", CASES)
def test_fountain_round_trip(name: str) -> None:
    doc = load(name)
    assert fountain.parse(fountain.render(doc)) == doc


@pytest.mark.parametrize("name", CASES)
def test_json_round_trip(name: str) -> None:
    doc = load(name)
    assert jsonformat.parse(jsonformat.render(doc)) == doc


@pytest.mark.parametrize("name", CASES)
def test_fdx_round_trip(name: str) -> None:
    doc = load(name)
    assert fdx.parse(fdx.render(doc)) == doc


@pytest.mark.parametrize("name", [c for c in CASES if (GOLDEN / f"{c}.fdx").exists()])
def test_fdx_golden(name: str) -> None:
    doc = load(name)
    expected = (GOLDEN / f"{name}.fdx").read_text(encoding="utf-8")
    assert fdx.render(doc) == expected
    assert fdx.parse(expected) == doc


@pytest.mark.parametrize("name", CASES)
def test_html_shows_every_printed_word(name: str) -> None:
    doc = load(name)
    page = html.render(doc)
    for element in doc.elements:
        if isinstance(element, Boneyard):
            continue  # never printed
        text = getattr(element, "text", "")
        for word in text.replace("*", " ").replace("_", " ").split()[:3]:
            if "[[" not in word and "/*" not in word and "]]" not in word and "*/" not in word:
                assert word.replace("&", "&amp;").replace("'", "&#x27;") in page
