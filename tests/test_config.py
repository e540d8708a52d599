"""Config loading: every file in configs/ loads; bad keys and values are refused with their names."""

from pathlib import Path

import pytest

from newsdedup.config import config_to_dict, load_config
from newsdedup.errors import ConfigError
from newsdedup.params import Config

CONFIGS = sorted((Path(__file__).parent.parent / "configs").glob("*.toml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_shipped_config_loads(path: Path) -> None:
    assert isinstance(load_config(path, environ={}), Config)


def test_default_toml_documents_every_key() -> None:
    text = (Path(__file__).parent.parent / "configs" / "default.toml").read_text()
    for section, values in config_to_dict(Config()).items():
        assert f"[{section}]" in text
        for key in values:
            assert f"\n{key} = " in text, f"[{section}] {key} missing from default.toml"


def test_default_toml_equals_builtin_defaults() -> None:
    loaded = load_config(Path(__file__).parent.parent / "configs" / "default.toml", environ={})
    assert config_to_dict(loaded) == config_to_dict(Config())


@pytest.mark.parametrize(
    ("description", "toml", "message"),
    [
        ("unknown section", "[nope]\nx = 1\n", "unknown section"),
        ("unknown key names the key", "[dedup]\nthreshhold = 0.5\n", "threshhold"),
        ("wrong type", '[dedup]\nnum_perm = "many"\n', "num_perm"),
        ("out of range", "[dedup]\nthreshold = 1.5\n", "threshold"),
        ("bool is not an int", "[run]\nn_jobs = true\n", "n_jobs"),
        ("bad zone", '[parse]\ndefault_tz = "Mars/Olympus"\n', "default_tz"),
        ("bad engine", '[run]\nengine = "spark"\n', "engine"),
        ("bad HTML extractor", '[parse]\nhtml_extractor = "readability"\n', "html_extractor"),
        ("retention shorter than window", "[state]\nretention_days = 1.0\n", "retention_days"),
        ("not TOML", "[dedup\n", "not valid TOML"),
        ("cluster threshold", "[cluster]\nthreshold = 0\n", "threshold"),
    ],
)
def test_bad_config_is_refused(tmp_path: Path, description: str, toml: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_config(path, environ={})


def test_environment_overrides_keys() -> None:
    config = load_config(
        None, environ={"NEWSDEDUP_DEDUP__THRESHOLD": "0.8", "NEWSDEDUP_PARSE__DEFAULT_TZ": "Europe/Paris"}
    )
    assert config.dedup.threshold == 0.8
    assert config.parse.default_tz == "Europe/Paris"
    assert load_config(
        None, environ={"NEWSDEDUP_PARSE__HTML_EXTRACTOR": "trafilatura"}
    ).parse.html_extractor == ("trafilatura")
    with pytest.raises(ConfigError, match="num_perm"):
        load_config(None, environ={"NEWSDEDUP_DEDUP__NUM_PERM": "0"})


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.toml", environ={})


def test_none_unsets_optional_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[cluster]\ntime_scale_days = "none"\n')
    assert load_config(path, environ={}).cluster.time_scale_days is None
