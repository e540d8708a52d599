"""Exceptions raised by the library; only the CLI maps them to exit codes."""


class NewsdedupError(Exception):
    """Base class of every error newsdedup raises on purpose."""


class ConfigError(NewsdedupError, ValueError):
    """The configuration is invalid: unknown key, wrong type or out-of-range value."""


class LockHeldError(NewsdedupError):
    """Another run holds the lock on the output folder."""


class StateError(NewsdedupError):
    """Persisted state is unreadable, corrupt or incompatible with the configuration."""


class InputError(NewsdedupError):
    """An input path given on the command line does not exist or cannot be used."""
