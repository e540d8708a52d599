"""Exceptions raised by the library; only the CLI maps them to exit codes."""


class NewsdedupError(Exception):
    """Base class of every error newsdedup raises on purpose."""


class ConfigError(NewsdedupError, ValueError):
    """The configuration is invalid: unknown key, wrong type or out-of-range value."""


class UnsupportedOutputError(ConfigError):
    """The output location is not a local folder (a ``s3://`` URL, say): a usage error, exit 2."""


class LockHeldError(NewsdedupError):
    """Another run holds the lock on the output folder."""


class StateError(NewsdedupError):
    """Persisted state is unreadable, corrupt or incompatible with the configuration."""


class InputError(NewsdedupError):
    """An input path given on the command line does not exist or cannot be used."""


class RunCancelled(BaseException):
    """The run was cancelled by a signal (SIGTERM, SIGINT). A BaseException, like KeyboardInterrupt, so no
    ``except Exception`` on the way up swallows it; the CLI maps it to 128 + the signal number."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"cancelled by signal {signum}")
        self.signum = signum


class WorkerDied(NewsdedupError):
    """A worker process died while it held a task (killed, or out of memory); nothing was committed."""


def cancellation(exc: BaseException) -> RunCancelled | KeyboardInterrupt | None:
    """The cancel behind ``exc``, if any: ``exc`` itself, or one in its ``__cause__``/``__context__`` chain.

    A signal handler that raises while C code calls back into Python (a ``map`` over a function, a compiled
    kernel) makes CPython wrap the cancel in ``SystemError("... returned a result with an exception set")``;
    the run was still cancelled, not failed."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, RunCancelled | KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
