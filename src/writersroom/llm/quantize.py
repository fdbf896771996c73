"""Re-quantised copies of GGUF weights, made once by llama.cpp and kept in a cache folder.

The bundled SmolLM2 GGUF is Q4_1. On x86 CPUs llama.cpp's Q8_0 kernels decode several sequences
at once much faster than its Q4_1 ones (1.7x at 8 sequences on a 2-core AMD EPYC; batch-1 about
the same), and Q4_1 weights re-expressed in Q8_0 lose nothing measurable (held-out perplexity
28.05 both; benchmarks/engine.py part 4). So the `default` model runs a Q8_0 copy unless the
settings say `default_weights = "bundled"`.

    path = requantized(bundled_model_path(), "q8_0")   # made on first use, then reused
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from writersroom.errors import BackendUnavailable, MissingExtra

# name -> llama_ftype (llama.h)
FORMATS: dict[str, int] = {"q8_0": 7, "q4_0": 2, "iq4_nl": 25, "f16": 1}


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """`$WRITERSROOM_CACHE_DIR`, else `$XDG_CACHE_HOME/writersroom`, else `~/.cache/writersroom`."""
    env = os.environ if env is None else env
    if env.get("WRITERSROOM_CACHE_DIR"):
        return Path(env["WRITERSROOM_CACHE_DIR"]).expanduser()
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "writersroom"


def requantized(source: Path, fmt: str, directory: Path | None = None) -> Path:
    """`source` re-quantised to `fmt` (a FORMATS key), made once and reused.

    The copy is named after the source's name and size, so a changed source gets a new copy.
    It is written to a temporary file and renamed into place: concurrent first uses each write
    their own and one wins; an interrupted one leaves no partial file under the final name.
    """
    if fmt not in FORMATS:
        raise BackendUnavailable(f"unknown weights format {fmt!r}; use one of {sorted(FORMATS)}")
    source = Path(source)
    folder = (directory or cache_dir()) / "weights"
    target = folder / f"{source.stem}.{source.stat().st_size}.{fmt}.gguf"
    if target.is_file():
        return target
    try:
        import llama_cpp

        from writersroom.llm.llamacpp_engine import quiet_logs
    except ImportError as exc:
        raise MissingExtra("default", "llama-cpp-python") from exc
    quiet_logs(llama_cpp.llama_cpp)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        params = llama_cpp.llama_model_quantize_default_params()
        params.ftype = FORMATS[fmt]
        params.allow_requantize = True
        code = llama_cpp.llama_model_quantize(
            str(source).encode(), tmp.encode(), ctypes.byref(params)
        )
        if code != 0:
            raise BackendUnavailable(f"llama.cpp could not convert {source.name} to {fmt}")
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return target
