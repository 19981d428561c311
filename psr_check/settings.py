"""User settings from the command line and ``[tool.psr-check]`` / ``psr-check.toml``."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    select: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)
    check_mode: str | None = Field(default=None, alias="check-mode")
    policy: str | None = None
    region: str | None = None
    report_type: Literal["oral", "short", "standard"] | None = Field(default=None, alias="report-type")
    fail_on: Literal["error", "warning"] = Field(default="error", alias="fail-on")
    rules: list[str] = Field(default_factory=list)

    def wants(self, code: str) -> bool:
        """Ruff-style --select/--ignore by code or prefix ("DA", "DA00", "DA001")."""
        if self.select and not any(code.startswith(p) for p in self.select):
            return False
        return not any(code.startswith(p) for p in self.ignore)


class ConfigError(Exception):
    pass


def load_config(explicit: str | None = None, start: Path | None = None) -> tuple[Settings, Path | None]:
    """``--config FILE``, else psr-check.toml or a pyproject.toml with [tool.psr-check] upwards."""
    path = Path(explicit) if explicit else _find(start or Path.cwd())
    if path is None:
        return Settings(), None
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file: check the --config path")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    table = data.get("tool", {}).get("psr-check", {}) if path.name == "pyproject.toml" else data
    try:
        settings = Settings.model_validate(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
    base = path.parent
    settings.rules = [str((base / r).resolve()) for r in settings.rules]
    return settings, path


def _find(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        own = folder / "psr-check.toml"
        if own.is_file():
            return own
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "psr-check" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                    return pyproject
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                return None
    return None
