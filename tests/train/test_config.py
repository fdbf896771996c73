from pathlib import Path

import pytest
from click.testing import CliRunner

from writersroom.cli import cli
from writersroom.errors import ConfigError
from writersroom.train.config import TrainConfig, apply_overrides, load_config, parse_value, to_toml

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def test_overrides_are_parsed_by_field_type():
    config = apply_overrides(
        TrainConfig(),
        {
            "max_steps": "25",
            "learning_rate": "3e-4",
            "resume": "false",
            "tasks": "scene, text",
            "base": "scratch",
        },
    )
    assert config.max_steps == 25
    assert config.learning_rate == pytest.approx(3e-4)
    assert config.resume is False
    assert config.tasks == ("scene", "text")
    assert config.base == "scratch"


def test_dashed_names_are_accepted():
    assert apply_overrides(TrainConfig(), {"max-steps": "7"}).max_steps == 7


def test_unknown_key_is_an_error_that_lists_the_known_ones():
    with pytest.raises(ConfigError, match=r"unknown training setting 'max_iters'.*max_steps"):
        apply_overrides(TrainConfig(), {"max_iters": "10"})


@pytest.mark.parametrize(
    ("key", "value"),
    [("max_steps", "ten"), ("max_steps", "2.5"), ("resume", "perhaps"), ("learning_rate", "fast")],
)
def test_badly_typed_values_are_errors(key, value):
    with pytest.raises(ConfigError, match=key):
        parse_value(key, value)


def test_values_are_validated():
    with pytest.raises(ConfigError, match="method must be 'lora' or 'full'"):
        apply_overrides(TrainConfig(), {"method": "qlora"})
    with pytest.raises(ConfigError, match="n_embd must be a multiple of n_head"):
        apply_overrides(TrainConfig(), {"n_embd": "100", "n_head": "3"})
    with pytest.raises(ConfigError, match="tasks must be"):
        apply_overrides(TrainConfig(), {"tasks": "poetry"})


def test_preset_then_overrides(tmp_path):
    preset = tmp_path / "p.toml"
    preset.write_text('base = "scratch"\nmax_steps = 40\ntasks = ["text"]\n')
    config = load_config(preset, {"max_steps": "5"})
    assert (config.base, config.max_steps, config.tasks) == ("scratch", 5, ("text",))


def test_preset_with_unknown_key_names_the_file(tmp_path):
    preset = tmp_path / "p.toml"
    preset.write_text("max_iters = 40\n")
    with pytest.raises(ConfigError, match=r"p\.toml: unknown training setting 'max_iters'"):
        load_config(preset)


def test_preset_with_a_table_or_bad_toml_is_refused(tmp_path):
    (tmp_path / "t.toml").write_text("[train]\nmax_steps = 4\n")
    with pytest.raises(ConfigError, match="tables are not used"):
        load_config(tmp_path / "t.toml")
    (tmp_path / "b.toml").write_text("max_steps = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path / "b.toml")


def test_shipped_presets_load():
    tiny = load_config(CONFIGS / "train-tiny-cpu.toml")
    lora = load_config(CONFIGS / "lora-default.toml")
    assert tiny.base == "scratch" and tiny.method == "full"
    assert lora.base == "default" and lora.method == "lora"


def test_to_toml_round_trips(tmp_path):
    config = apply_overrides(TrainConfig(), {"tasks": "scene", "data": 'a "quoted" dir'})
    (tmp_path / "c.toml").write_text(to_toml(config))
    assert load_config(tmp_path / "c.toml") == config


def test_cli_flag_with_a_bad_value_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(
        cli, ["train", str(tmp_path), "--out", str(tmp_path / "o"), "--learning-rate", "fast"]
    )
    assert result.exit_code == 1
    assert result.output.strip() == "Error: learning_rate must be a number, not 'fast'"
    assert not (tmp_path / "o").exists()


def test_cli_rejects_unknown_flags(tmp_path):
    result = CliRunner().invoke(
        cli, ["train", str(tmp_path), "--out", str(tmp_path / "o"), "--max-iters", "3"]
    )
    assert result.exit_code == 2
    assert "No such option '--max-iters'" in result.output


def test_every_field_has_a_flag_with_help():
    result = CliRunner().invoke(cli, ["train", "--help"])
    assert result.exit_code == 0
    assert "--lora-layers" in result.output and "adapt only the last N blocks" in result.output
    assert "--resume / --no-resume" in result.output


@pytest.mark.parametrize(
    ("name", "kind"), [("ddp", "MULTI_GPU"), ("fsdp", "FSDP"), ("deepspeed", "DEEPSPEED")]
)
def test_accelerate_configs_are_valid(name, kind):
    from accelerate.commands.config.config_args import ClusterConfig

    config = ClusterConfig.from_yaml_file(str(CONFIGS / f"accelerate-{name}.yaml"))
    assert config.distributed_type.name == kind and config.mixed_precision == "bf16"
