"""Where the shipped rule pack and templates live.

In a wheel they are force-included under ``psr_check/_data`` and found through
``importlib.resources``; in a source checkout (editable install, tests run from the
repo) they are the top-level ``rules/`` and ``templates/`` folders beside the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_dir(name: str) -> Path:
    """Return the folder ``name`` ("rules" or "templates") of the installed package."""
    package = files("psr_check")
    shipped = package / "_data" / name
    if shipped.is_dir():
        return Path(str(shipped))
    beside = Path(str(package)).parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"psr-check is installed without its {name}/ folder; reinstall the package")
