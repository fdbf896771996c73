"""The training loss computes logits only where they are trained on, and is the same loss."""

import pytest
import torch
from transformers import LlamaConfig, LlamaForCausalLM

from writersroom.train.config import load_config
from writersroom.train.model import add_lora
from writersroom.train.train import lm_loss


def tiny_llama() -> LlamaForCausalLM:
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=300,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=64,
    )
    return LlamaForCausalLM(config)


def batch() -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(1)
    x = torch.randint(0, 300, (3, 24), generator=generator)
    y = x.clone()
    y[0, :10] = -100  # a prompt
    y[1, 5:9] = -100
    y[1, 20:] = -100  # padding
    y[2, :] = -100
    y[2, 12] = x[2, 12]  # one target token in the row
    return x, y


@pytest.mark.parametrize("lora", [False, True])
def test_lm_loss_equals_the_full_loss_and_trains_the_same(lora):
    model = tiny_llama()
    if lora:
        model = add_lora(model, load_config(None, {"lora_r": 4, "lora_targets": "q_proj,v_proj"}))
    x, y = batch()
    full = model(input_ids=x, labels=y).loss
    ours = lm_loss(model, x, y)
    assert ours.item() == pytest.approx(full.item(), rel=1e-5)
    grads = []
    for loss in (full, ours):
        model.zero_grad()
        loss.backward()
        grads.append([p.grad.clone() for p in model.parameters() if p.requires_grad])
    for a, b in zip(*grads, strict=True):
        assert torch.allclose(a, b, atol=1e-6)
