"""The examples in the package's docstrings are run as tests, so they stay true."""

import doctest
import importlib
import pkgutil

import pytest

import writersroom

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(writersroom.__path__, "writersroom.")
    if not info.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
