"""The committed web bundle (src/writersroom/web/static) is exactly what frontend/ builds.

`make web` runs `npm ci` (versions pinned by package-lock.json) and esbuild; this test does the
same into a temporary folder and compares every file byte for byte, so a change to the front-end
sources without a rebuild (or a hand edit of the bundle) fails CI. It needs node, npm and the npm
registry: without them it skips, except under CI (the CI variable set), where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
STATIC = ROOT / "src" / "writersroom" / "web" / "static"
BUNDLE = ("index.html", "app.js", "app.css")


def _need(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is an error, not a skip)")
    pytest.skip(reason)


def test_static_holds_only_the_bundle() -> None:
    assert sorted(p.name for p in STATIC.iterdir()) == sorted(BUNDLE)


def test_index_html_has_no_inline_script_or_style() -> None:
    # The Content-Security-Policy allows scripts from 'self' only.
    html = (STATIC / "index.html").read_text()
    assert '<script type="module" src="/static/app.js"></script>' in html
    assert html.count("<script") == 1
    assert " on" not in html.replace("\n", " ").split("<body>")[1].split("noscript")[0]


@pytest.fixture(scope="module")
def node() -> str:
    """The node binary, with frontend/node_modules installed from package-lock.json."""
    npm, node = shutil.which("npm"), shutil.which("node")
    _need(bool(npm and node), "node and npm are needed to rebuild the web bundle")
    assert npm and node
    if not (FRONTEND / "node_modules" / ".package-lock.json").exists() or os.environ.get("CI"):
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=FRONTEND,
            capture_output=True,
            text=True,
            timeout=600,
        )
        reason = f"npm ci failed (is the npm registry reachable?): {done.stderr[-500:]}"
        _need(done.returncode == 0, reason)
    return node


def test_committed_bundle_matches_a_rebuild(node: str, tmp_path: Path) -> None:
    out = tmp_path / "static"
    subprocess.run([node, "build.mjs", "--out", str(out)], cwd=FRONTEND, check=True, timeout=300)
    for name in BUNDLE:
        built, committed = (out / name).read_bytes(), (STATIC / name).read_bytes()
        assert built == committed, f"{name} differs from a rebuild: run `make web` and commit it"
    assert str(ROOT).encode() not in (out / "app.js").read_bytes()


def test_front_end_unit_tests(node: str) -> None:
    # frontend/test/*.test.mjs: the Fountain classifier (incremental against full, random edits)
    done = subprocess.run(
        [node, "--test", "test/"], cwd=FRONTEND, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
