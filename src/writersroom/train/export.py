"""A trained model → GGUF (f16 / q8_0) for the llama.cpp backend, plus a model card.

    result = export_model(Path("runs/lora"), types=("q8_0",))    # runs/lora/model-q8_0.gguf
    writersroom generate "..." --model runs/lora/model-q8_0.gguf

`write_gguf` converts a Llama-architecture HF directory (config.json, safetensors, tokenizer.json)
with the `gguf` package: hyper-parameters under `llama.*`, the BPE vocabulary, merges, token types,
special ids and chat template under `tokenizer.*`, and the tensors under llama.cpp's names. Two
details matter for llama.cpp to read the model as transformers does: the q and k projections are
permuted from the rotate-half layout HF uses to the interleaved rotary layout of the original Llama
weights (`_unrotate`), and a model fine-tuned from a GGUF keeps that file's tokenizer metadata
(token types, pre-tokenizer name) verbatim. `verify_gguf` loads the written file in
llama-cpp-python and checks that it tokenizes like the HF tokenizer and predicts the same next
tokens as the HF model.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from writersroom.errors import ConfigError, FormatError, MissingExtra
from writersroom.files import write_atomic

TYPES = ("f16", "q8_0")
VERIFY_TEXT = (
    "INT. LIGHTHOUSE - NIGHT\n\nRain hammers the glass. ELSA (60s) trims the wick.\n\nELSA\n"
    "(quietly)\nAnother storm. The third this week -- 1,234 ships!\n"
)


@dataclass(frozen=True)
class Verification:
    tokens_match: bool  # llama.cpp tokenizes VERIFY_TEXT exactly as the HF tokenizer
    top1_agreement: float  # share of positions where both pick the same next token
    max_logit_diff: float  # largest absolute difference of the logits


@dataclass(frozen=True)
class Exported:
    path: Path
    type: str
    bytes: int
    verification: Verification | None


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:
        raise MissingExtra("train", "torch") from exc
    return torch


def model_dir_of(path: Path) -> Path:
    """The HF directory of a training run (`run/model`) or the directory itself."""
    path = Path(path)
    if (path / "config.json").exists():
        return path
    if (path / "model" / "config.json").exists():
        return path / "model"
    raise ConfigError(
        f"{path} is neither a training run (run.json, model/) nor an HF model directory"
    )


def export_model(
    path: Path,
    *,
    types: tuple[str, ...] = ("q8_0",),
    verify: bool = True,
    evaluation: dict[str, Any] | None = None,
) -> list[Exported]:
    """Write `model-<type>.gguf` for each type and README.md (the model card) next to the model.
    For a training run the files go in the run directory; for a bare HF directory, into it."""
    unknown = [t for t in types if t not in TYPES]
    if unknown:
        raise ConfigError(f"unknown GGUF type(s) {unknown}; choose from {list(TYPES)}")
    path = Path(path)
    hf_dir = model_dir_of(path)
    out_dir = path if hf_dir != path else hf_dir
    run = _read_json(out_dir / "run.json") or _read_json(hf_dir / "run.json")
    source_gguf = (run or {}).get("base", {}).get("gguf") or _base_gguf(hf_dir)
    results = []
    for kind in types:
        target = out_dir / f"model-{kind}.gguf"
        write_gguf(hf_dir, target, kind, tokenizer_gguf=Path(source_gguf) if source_gguf else None)
        check = verify_gguf(target, hf_dir) if verify else None
        results.append(Exported(target, kind, target.stat().st_size, check))
    if evaluation is None:
        evaluation = _read_json(out_dir / "eval.json")
    card = model_card(hf_dir, run, results, evaluation)
    write_atomic(out_dir / "README.md", card)
    if out_dir != hf_dir:
        write_atomic(hf_dir / "README.md", card)
    return results


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    except FileNotFoundError:
        return None


def _base_gguf(hf_dir: Path) -> str:
    marker = hf_dir / "base.json"
    return marker.read_text(encoding="utf-8").strip() if marker.exists() else ""


# -- the converter --------------------------------------------------------------------------------


def write_gguf(
    hf_dir: Path, target: Path, kind: str = "q8_0", *, tokenizer_gguf: Path | None = None
) -> Path:
    """Convert a Llama-architecture HF directory to one GGUF file (written atomically)."""
    import gguf

    config = _read_json(hf_dir / "config.json") or {}
    if config.get("model_type") != "llama":
        raise FormatError(
            f"only Llama-architecture models can be exported to GGUF here, not "
            f"{config.get('model_type')!r}",
            path=str(hf_dir),
        )
    weights = _load_weights(hf_dir)
    n_head, n_kv = (
        int(config["num_attention_heads"]),
        int(config.get("num_key_value_heads") or config["num_attention_heads"]),
    )
    hidden = int(config["hidden_size"])
    head_dim = int(config.get("head_dim") or hidden // n_head)
    rope = config.get("rope_parameters") or {}
    rope_theta = float(rope.get("rope_theta", config.get("rope_theta", 10000.0)))
    if (rope.get("rope_type") or "default") != "default" or config.get("rope_scaling"):
        raise FormatError("rope scaling is not supported by this converter", path=str(hf_dir))

    tmp = target.with_name(f".{target.name}.tmp")
    writer = gguf.GGUFWriter(str(tmp), "llama")
    writer.add_name(str(config.get("_name_or_path") or hf_dir.name)[:120] or "writersroom model")
    writer.add_context_length(int(config.get("max_position_embeddings", 2048)))
    writer.add_embedding_length(hidden)
    writer.add_block_count(int(config["num_hidden_layers"]))
    writer.add_feed_forward_length(int(config["intermediate_size"]))
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_kv)
    writer.add_rope_dimension_count(head_dim)
    if head_dim != hidden // n_head:
        writer.add_key_length(head_dim)
        writer.add_value_length(head_dim)
    writer.add_rope_freq_base(rope_theta)
    writer.add_layer_norm_rms_eps(float(config.get("rms_norm_eps", 1e-5)))
    writer.add_vocab_size(int(config["vocab_size"]))
    writer.add_file_type(
        gguf.LlamaFileType.MOSTLY_Q8_0 if kind == "q8_0" else gguf.LlamaFileType.MOSTLY_F16
    )
    _add_tokenizer(writer, hf_dir, int(config["vocab_size"]), tokenizer_gguf)

    for name, tensor in _gguf_tensors(weights, config, n_head, n_kv):
        if tensor.ndim == 1:
            writer.add_tensor(name, tensor.astype(np.float32))
        elif kind == "q8_0" and tensor.shape[-1] % 32 == 0:
            data = gguf.quants.quantize(tensor.astype(np.float32), gguf.GGMLQuantizationType.Q8_0)
            writer.add_tensor(name, data, raw_dtype=gguf.GGMLQuantizationType.Q8_0)
        else:
            writer.add_tensor(name, tensor.astype(np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.replace(target)
    return target


def _load_weights(hf_dir: Path) -> dict[str, np.ndarray]:
    torch = _torch()
    from safetensors.torch import load_file

    files = sorted(hf_dir.glob("*.safetensors"))
    if not files:
        bins = sorted(hf_dir.glob("pytorch_model*.bin"))
        if not bins:
            raise FormatError(
                "no model weights (*.safetensors or pytorch_model*.bin)", path=str(hf_dir)
            )
        state = {}
        for file in bins:
            state.update(torch.load(file, map_location="cpu", weights_only=True))
    else:
        state = {}
        for file in files:
            state.update(load_file(str(file)))
    return {k: v.float().numpy() for k, v in state.items()}


def _unrotate(weight: np.ndarray, heads: int) -> np.ndarray:
    """Rotate-half (HF) → interleaved (llama.cpp) row order of a q or k projection: within each
    head, row i of the first half and row i of the second half become neighbours."""
    rows = weight.shape[0]
    return (
        weight.reshape(heads, 2, rows // heads // 2, *weight.shape[1:])
        .swapaxes(1, 2)
        .reshape(weight.shape)
    )


_LAYER = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.o_proj.weight": "attn_output.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}


def _gguf_tensors(
    weights: dict[str, np.ndarray], config: dict[str, Any], n_head: int, n_kv: int
) -> list[tuple[str, np.ndarray]]:
    out = [
        ("token_embd.weight", weights["model.embed_tokens.weight"]),
        ("output_norm.weight", weights["model.norm.weight"]),
    ]
    if "lm_head.weight" in weights and not config.get("tie_word_embeddings", False):
        out.append(("output.weight", weights["lm_head.weight"]))
    for i in range(int(config["num_hidden_layers"])):
        for hf_name, gguf_name in _LAYER.items():
            key = f"model.layers.{i}.{hf_name}"
            if key not in weights:
                raise FormatError(f"the checkpoint lacks {key}")
            tensor = weights[key]
            if hf_name.startswith("self_attn.q_proj"):
                tensor = _unrotate(tensor, n_head)
            elif hf_name.startswith("self_attn.k_proj"):
                tensor = _unrotate(tensor, n_kv)
            out.append((f"blk.{i}.{gguf_name}", tensor))
    return out


def _add_tokenizer(writer: Any, hf_dir: Path, vocab_size: int, source: Path | None) -> None:
    if source is not None and source.exists() and _copy_gguf_tokenizer(writer, source, vocab_size):
        return
    import gguf
    from transformers import AutoTokenizer

    spec = _read_json(hf_dir / "tokenizer.json")
    if not spec or (spec.get("model") or {}).get("type") != "BPE":
        raise FormatError(
            "the tokenizer is not a byte-level BPE tokenizer.json; only those are exported",
            path=str(hf_dir),
        )
    tokenizer = AutoTokenizer.from_pretrained(str(hf_dir))
    vocab: dict[str, int] = dict(spec["model"]["vocab"])
    added = {t["content"]: t for t in spec.get("added_tokens", [])}
    for content, token in added.items():
        vocab[content] = int(token["id"])
    by_id = {i: t for t, i in vocab.items()}
    tokens, types = [], []
    for i in range(vocab_size):
        token = by_id.get(i)
        if token is None:
            tokens.append(f"[PAD{i}]")
            types.append(gguf.TokenType.UNUSED)
        elif token in added:
            tokens.append(token)
            types.append(
                gguf.TokenType.CONTROL
                if added[token].get("special")
                else gguf.TokenType.USER_DEFINED
            )
        else:
            tokens.append(token)
            types.append(gguf.TokenType.NORMAL)
    merges = [m if isinstance(m, str) else " ".join(m) for m in spec["model"].get("merges", [])]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre(_pre_tokenizer_name(spec))
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    for setter, value in (
        (writer.add_bos_token_id, tokenizer.bos_token_id),
        (writer.add_eos_token_id, tokenizer.eos_token_id),
        (writer.add_pad_token_id, tokenizer.pad_token_id),
    ):
        if value is not None:
            setter(int(value))
    writer.add_add_bos_token(False)
    if tokenizer.chat_template:
        writer.add_chat_template(str(tokenizer.chat_template))


def _pre_tokenizer_name(spec: dict[str, Any]) -> str:
    """llama.cpp's name for the pre-tokenizer: GPT-2 byte level, or SmolLM's (digits apart)."""
    pre = spec.get("pre_tokenizer") or {}
    parts = pre.get("pretokenizers", [pre]) if pre.get("type") == "Sequence" else [pre]
    kinds = [p.get("type") for p in parts]
    if kinds == ["ByteLevel"] and parts[0].get("use_regex", True):
        return "gpt-2"
    if kinds == ["Digits", "ByteLevel"] and parts[0].get("individual_digits"):
        return "smollm"
    raise FormatError(f"pre-tokenizer {kinds} has no llama.cpp equivalent known to this converter")


def _copy_gguf_tokenizer(writer: Any, source: Path, vocab_size: int) -> bool:
    """Copy every tokenizer.* key of the base model's GGUF (same vocabulary size only)."""
    from gguf import GGUFReader, GGUFValueType

    reader = GGUFReader(str(source))
    tokens = reader.fields.get("tokenizer.ggml.tokens")
    if tokens is None or len(tokens.data) != vocab_size:
        return False
    for key, value in reader.fields.items():
        if not key.startswith("tokenizer."):
            continue
        contents = value.contents()
        if value.types[0] == GGUFValueType.ARRAY:
            writer.add_key_value(key, contents, GGUFValueType.ARRAY, sub_type=value.types[-1])
        else:
            writer.add_key_value(key, contents, value.types[0])
    return True


# -- verification ---------------------------------------------------------------------------------


def verify_gguf(gguf_path: Path, hf_dir: Path, text: str = VERIFY_TEXT) -> Verification:
    """Load the GGUF in llama-cpp-python and compare tokens and next-token logits with HF."""
    torch = _torch()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise MissingExtra("default", "llama-cpp-python") from exc
    tokenizer = AutoTokenizer.from_pretrained(str(hf_dir))
    hf_ids = list(tokenizer(text, add_special_tokens=False)["input_ids"])
    llm = Llama(
        model_path=str(gguf_path),
        n_ctx=max(64, len(hf_ids) + 8),
        logits_all=True,
        verbose=False,
        n_threads=None,
    )
    try:
        cpp_ids = llm.tokenize(text.encode(), add_bos=False, special=True)
        llm.eval(hf_ids)
        cpp_logits = np.array(llm.scores[: len(hf_ids)], dtype=np.float32)
    finally:
        llm.close()
    model = AutoModelForCausalLM.from_pretrained(str(hf_dir), dtype=torch.float32)
    model.eval()  # type: ignore[no-untyped-call]
    with torch.no_grad():
        hf_logits = model(input_ids=torch.tensor([hf_ids])).logits[0].numpy()
    n = min(len(hf_logits), len(cpp_logits))
    agree = float(np.mean(hf_logits[:n].argmax(-1) == cpp_logits[:n].argmax(-1)))
    diff = float(np.abs(hf_logits[:n] - cpp_logits[:n]).max())
    return Verification(
        tokens_match=list(cpp_ids) == hf_ids, top1_agreement=agree, max_logit_diff=diff
    )


# -- the model card -------------------------------------------------------------------------------


def model_card(
    hf_dir: Path,
    run: dict[str, Any] | None,
    files: list[Exported],
    evaluation: dict[str, Any] | None,
) -> str:
    """README.md: what the model is, the data it saw, how it was trained, how it scores."""
    config = _read_json(hf_dir / "config.json") or {}
    lines = ["# writersroom model", ""]
    if run:
        cfg = run["config"]
        base = run["base"]["spec"]
        method = (
            "trained from scratch"
            if base == "scratch"
            else f"{cfg['method']} fine-tune of `{base}`"
        )
        lines += [
            f"A {config.get('model_type', '?')} model, {method} with `writersroom train` "
            f"({run['parameters'] / 1e6:.1f}M parameters, {run['trained_parameters'] / 1e6:.2f}M "
            f"trained, {run['steps']} steps on {run['device']} in {run['precision']}).",
            "",
        ]
    lines += ["## Use", "", "```"]
    for f in files:
        lines.append(f'writersroom generate "INT. DINER - NIGHT" --model {f.path.name}')
    lines += [
        f'writersroom generate "INT. DINER - NIGHT" --model {hf_dir.name}/   # transformers',
        "```",
        "",
    ]
    if files:
        lines += [
            "## Files",
            "",
            "| file | type | size | tokens match HF | top-1 agreement | max logit diff |",
            "|---|---|---|---|---|---|",
        ]
        for f in files:
            v = f.verification
            checks = (
                f"{'yes' if v.tokens_match else 'NO'} | {v.top1_agreement:.1%} | "
                f"{v.max_logit_diff:.3f}"
                if v
                else "not verified | | "
            )
            lines.append(f"| {f.path.name} | {f.type} | {f.bytes / 1e6:.1f} MB | {checks} |")
        lines.append("")
    if run:
        lines += _data_section(run) + _hyper_section(run["config"]) + _eval_section(run, evaluation)
    return "\n".join(lines) + "\n"


def _data_section(run: dict[str, Any]) -> list[str]:
    data = run["data"]
    lines = [
        "## Training data",
        "",
        f"Corpus: `{data['corpus']}`, split by script "
        f"({len(data['split']['train'])} train, {len(data['split']['val'])} held out).",
        "",
    ]
    manifest = _read_json(Path(data["corpus"]) / "manifest.json")
    if manifest:
        held_out = set(data["split"]["val"])
        lines += [
            "| script | title | format | licence | words | split |",
            "|---|---|---|---|---|---|",
        ]
        for e in manifest["scripts"]:
            split = "val" if e["id"] in held_out else "train"
            lines.append(
                f"| {e['id']} | {e['title']} | {e['format']} | {e['licence']} | "
                f"{e['words']:,} | {split} |"
            )
        lines.append("")
    counts = data["counts"]
    lines += [
        f"Examples: {counts['train']['examples']:,} train ({counts['train']['kinds']}), "
        f"{counts['val']['examples']:,} validation; {counts['train']['target_tokens']:,} trained "
        "tokens per epoch.",
        "",
    ]
    return lines


def _hyper_section(cfg: dict[str, Any]) -> list[str]:
    skip = {"data", "out"}
    lines = ["## Hyper-parameters", "", "| setting | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in cfg.items() if k not in skip]
    return [*lines, ""]


def _eval_section(run: dict[str, Any], evaluation: dict[str, Any] | None) -> list[str]:
    lines = [
        "## Evaluation",
        "",
        "| measure | before | after |",
        "|---|---|---|",
        f"| held-out loss | {run['val_loss_before']:.4f} | {run['val_loss_after']:.4f} |",
        f"| held-out perplexity | {math.exp(run['val_loss_before']):.2f} | "
        f"{math.exp(run['val_loss_after']):.2f} |",
    ]
    if evaluation:
        before, after = evaluation.get("before", {}), evaluation.get("after", {})
        for key, label in (
            ("well_formed", "well-formed scenes"),
            ("style_similarity", "style similarity"),
            ("dialogue_share", "dialogue share of lines"),
        ):
            if key in before or key in after:
                lines.append(f"| {label} | {_num(before.get(key))} | {_num(after.get(key))} |")
    return [*lines, ""]


def _num(value: Any) -> str:
    return "" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def as_dict(exported: Exported) -> dict[str, Any]:
    data = asdict(exported)
    data["path"] = str(exported.path)
    return data
