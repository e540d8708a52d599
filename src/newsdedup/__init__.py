"""newsdedup: turn raw news articles into clean, deduplicated, clustered Parquet tables."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsdedup")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
