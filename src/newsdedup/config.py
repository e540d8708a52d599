"""Loading the configuration: TOML file and environment -> :class:`~newsdedup.params.Config`, validated.

Every key lives in a section (``[input]``, ``[parse]``, ``[dedup]``, ``[cluster]``, ``[state]``, ``[run]``).
Unknown sections or keys, wrong types and out-of-range values raise :class:`~newsdedup.errors.ConfigError`
with a message naming the offending key and value. Environment variables ``NEWSDEDUP_<SECTION>__<KEY>``
override the file (the value is read as a TOML literal when it parses as one, else as a string).
``configs/default.toml`` documents every key.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsdedup.errors import ConfigError
from newsdedup.io.remote import redact_storage_options
from newsdedup.params import Config

__all__ = [
    "Config",
    "ConfigLike",
    "as_config",
    "config_to_dict",
    "load_config",
]

ENV_PREFIX = "NEWSDEDUP_"


def _type_ok(value: Any, annotation: Any) -> tuple[bool, Any]:
    """Check ``value`` against a (resolved) type annotation; returns (ok, coerced value)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        if type(None) in args and isinstance(value, str) and value.lower() == "none":
            return True, None
        for arg in args:
            ok, coerced = _type_ok(value, arg)
            if ok:
                return True, coerced
        return False, value
    if annotation is type(None):
        # TOML has no null: the string "none" unsets an optional key
        ok = value is None or (isinstance(value, str) and value.lower() == "none")
        return ok, None
    if annotation is bool:
        return isinstance(value, bool), value
    if annotation is int:
        return isinstance(value, int) and not isinstance(value, bool), value
    if annotation is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return ok, float(value) if ok else value
    if annotation is str:
        return isinstance(value, str), value
    if origin is tuple:
        return _tuple_ok(value, annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return value in typing.get_args(annotation), value
    return True, value


def _tuple_ok(value: Any, annotation: Any) -> tuple[bool, Any]:
    if isinstance(value, Mapping):  # a TOML table for a tuple of (key, value) pairs ([input.fields])
        value = [list(kv) for kv in value.items()]
    if not isinstance(value, list | tuple):
        return False, value
    args = typing.get_args(annotation)
    if len(args) == 2 and args[1] is Ellipsis:
        items = [_type_ok(v, args[0]) for v in value]
    elif len(args) == len(value):
        items = [_type_ok(v, a) for v, a in zip(value, args, strict=True)]
    else:
        return False, value
    return all(ok for ok, _ in items), tuple(v for _, v in items)


def _describe(annotation: Any) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def _build_section(cls: type, name: str, table: Mapping[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(
            f"unknown key(s) in [{name}]: {', '.join(unknown)}; allowed: {', '.join(sorted(known))}"
        )
    kwargs: dict[str, Any] = {}
    for key, value in table.items():
        ok, coerced = _type_ok(value, hints[key])
        if not ok:
            raise ConfigError(f"[{name}] {key} must be {_describe(hints[key])}, got {value!r}")
        kwargs[key] = coerced
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"[{name}] {exc}") from exc


def _env_overrides(environ: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for var, raw in environ.items():
        if not var.startswith(ENV_PREFIX) or "__" not in var[len(ENV_PREFIX) :]:
            continue
        section, key = var[len(ENV_PREFIX) :].lower().split("__", 1)
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        out.setdefault(section, {})[key] = value
    return out


def config_from_dict(data: Mapping[str, Any]) -> Config:
    """Build and validate a Config from nested mappings (as read from TOML)."""
    sections = {f.name: f for f in dataclasses.fields(Config)}
    unknown = sorted(set(data) - set(sections))
    if unknown:
        raise ConfigError(f"unknown section(s): {', '.join(unknown)}; allowed: {', '.join(sections)}")
    hints = typing.get_type_hints(Config)
    built: dict[str, Any] = {}
    for name, table in data.items():
        if not isinstance(table, Mapping):
            raise ConfigError(f"[{name}] must be a table, got {table!r}")
        built[name] = _build_section(hints[name], name, table)
    return Config(**built)


def load_config(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read a TOML config file (or the defaults when ``path`` is None), apply environment overrides, validate."""
    data: dict[str, dict[str, Any]] = {}
    if path is not None:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    for section, values in _env_overrides(os.environ if environ is None else environ).items():
        table = data.setdefault(section, {})
        if isinstance(table, dict):
            table.update(values)
    return config_from_dict(data)


ConfigLike = Config | Mapping[str, Any] | str | Path | None
"""A config as the library's API takes it: a ``Config``, nested mappings as in the TOML file, a TOML file's
path, or None for the defaults (the environment's ``NEWSDEDUP_<SECTION>__<KEY>`` apply to a path and to
None, as for the command)."""


def as_config(config: ConfigLike) -> Config:
    """The validated ``Config`` of any :data:`ConfigLike` (raises ConfigError naming a bad value)."""
    if isinstance(config, Config):
        return config
    if config is None or isinstance(config, str | Path):
        return load_config(config)
    return config_from_dict(config)


def config_to_dict(config: Config) -> dict[str, dict[str, Any]]:
    """The config as plain nested dicts (tuples as lists), for the manifest and Parquet metadata."""

    def plain(value: Any) -> Any:
        if isinstance(value, tuple | list):
            return [plain(v) for v in value]
        return value

    out = {
        f.name: {k: plain(v) for k, v in dataclasses.asdict(getattr(config, f.name)).items()}
        for f in dataclasses.fields(config)
    }
    out["input"]["storage_options"] = redact_storage_options(config.input.storage_options)
    return out
