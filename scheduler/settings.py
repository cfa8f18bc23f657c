"""Reading ``scenario.yaml``: parse with line numbers, then convert typed settings.

All scalars are read as text (YAML's base loader) and converted here, so that
``08:00`` stays a time and ``yes`` a boolean, and every error names the key
path and its line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from scheduler.errors import InputError
from scheduler.tables import FALSE_WORDS, TRUE_WORDS, parse_date, parse_hhmm, read_text


class YamlDocument:
    """A parsed YAML file whose values are text, with the line of every key path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        text = read_text(path)
        try:
            node = yaml.compose(text, Loader=yaml.BaseLoader)
            self.data: Any = yaml.load(text, Loader=yaml.BaseLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise InputError(
                path,
                f"is not valid YAML: {problem}",
                row=mark.line + 1 if mark is not None else None,
                column=f"character {mark.column + 1}" if mark is not None else None,
            ) from None
        self.lines: dict[str, int] = {}
        if node is not None:
            self._index(node, "")
        if self.data is None:
            self.data = {}
        if not isinstance(self.data, dict):
            raise InputError(path, "must be a mapping of keys (name:, start_date:, ...)", row=1)

    def _index(self, node: yaml.Node, prefix: str) -> None:
        self.lines.setdefault(prefix, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
                self.lines[path] = key_node.start_mark.line + 1
                self._index(value_node, path)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, f"{prefix}[{i}]")

    def error(self, key: str, message: str) -> InputError:
        """An :class:`InputError` at the line of ``key`` (a dotted path)."""
        line = self.lines.get(key)
        probe = key
        while line is None and ("." in probe or "[" in probe):
            probe = probe.rsplit(".", 1)[0] if "." in probe else probe.rsplit("[", 1)[0]
            line = self.lines.get(probe)
        return InputError(self.path, message, row=line, column=key)

    # --- typed conversions -------------------------------------------------
    def text(self, value: Any, key: str) -> str:
        """A scalar as text."""
        if isinstance(value, (dict, list)) or value is None:
            raise self.error(key, "expected a single value")
        return str(value)

    def integer(self, value: Any, key: str, *, minimum: int = 0) -> int:
        """A whole number at least ``minimum``."""
        text = self.text(value, key)
        try:
            number = int(text)
        except ValueError:
            raise self.error(key, f"expected a whole number, got '{text}'") from None
        if number < minimum:
            raise self.error(key, f"must be at least {minimum}, got {number}")
        return number

    def number(self, value: Any, key: str, *, minimum: float = 0.0) -> float:
        """A finite decimal number at least ``minimum``."""
        text = self.text(value, key)
        try:
            number = float(text)
        except ValueError:
            raise self.error(key, f"expected a number, got '{text}'") from None
        if number != number or abs(number) == float("inf"):
            raise self.error(key, f"expected a finite number, got '{text}'")
        if number < minimum:
            raise self.error(key, f"must be at least {minimum:g}, got {text}")
        return number

    def boolean(self, value: Any, key: str) -> bool:
        """``yes``/``no``, ``true``/``false`` or ``1``/``0``."""
        text = self.text(value, key).lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise self.error(key, f"expected yes or no, got '{text}'")

    def date(self, value: Any, key: str) -> dt.date:
        """An ISO date."""
        text = self.text(value, key)
        try:
            return parse_date(text)
        except ValueError:
            raise self.error(key, f"expected a date YYYY-MM-DD, got '{text}'") from None

    def hhmm(self, value: Any, key: str) -> int:
        """A time ``HH:MM`` as minutes after midnight."""
        text = self.text(value, key)
        try:
            return parse_hhmm(text)
        except ValueError:
            raise self.error(key, f"expected a time \"HH:MM\" (quoted), got '{text}'") from None

    def mapping(self, value: Any, key: str) -> Mapping[str, Any]:
        """A mapping (blank counts as empty)."""
        if value is None or value == "":
            return {}
        if not isinstance(value, dict):
            raise self.error(key, "expected a mapping of keys")
        return value

    def sequence(self, value: Any, key: str) -> list[Any]:
        """A list (blank counts as empty)."""
        if value is None or value == "":
            return []
        if not isinstance(value, list):
            raise self.error(key, "expected a list, e.g. [AM, PM]")
        return value

    def check_keys(self, mapping: Mapping[str, Any], key: str, allowed: list[str]) -> None:
        """Reject keys outside ``allowed`` (typos would otherwise be ignored)."""
        for name in mapping:
            if name not in allowed:
                path = f"{key}.{name}" if key else str(name)
                raise self.error(path, f"unknown key '{name}'; expected one of {', '.join(allowed)}")


def settings_from_yaml(doc: YamlDocument, value: Any, key: str, cls: type) -> Any:
    """Build a settings dataclass from a YAML mapping, converting by field type.

    Every field of ``cls`` may be given; absent fields keep their defaults.
    Supported field types: int, float, bool, str, ``Literal[...]`` (one of the listed
    words), ``float | None``, ``int | None`` and nested settings dataclasses.
    """
    mapping = doc.mapping(value, key)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    doc.check_keys(mapping, key, list(fields))
    kwargs: dict[str, Any] = {}
    for name, raw in mapping.items():
        path = f"{key}.{name}"
        kind = str(fields[name].type).replace(" ", "")
        if kind.endswith("|None"):
            if raw is None or str(raw).lower() in ("", "null", "none", "~"):
                kwargs[name] = None
                continue
            kind = kind[: -len("|None")]
        if kind == "int":
            kwargs[name] = doc.integer(raw, path)
        elif kind == "float":
            kwargs[name] = doc.number(raw, path)
            if name.endswith(("_share", "_rate")) and kwargs[name] > 1:
                raise doc.error(path, f"is a share and must be at most 1, got {raw}")
        elif kind == "bool":
            kwargs[name] = doc.boolean(raw, path)
        elif kind == "str":
            kwargs[name] = doc.text(raw, path)
        elif kind.startswith("Literal["):
            kwargs[name] = _choice(doc, raw, path, typing.get_args(typing.get_type_hints(cls)[name]))
        else:
            nested = _nested_settings_class(cls, name)
            kwargs[name] = settings_from_yaml(doc, raw, path, nested)
    return cls(**kwargs)


def _choice(doc: YamlDocument, raw: Any, path: str, allowed: tuple[str, ...]) -> str:
    """One of the ``allowed`` words (a ``Literal`` settings field)."""
    text = doc.text(raw, path)
    if text not in allowed:
        raise doc.error(path, f"expected one of {', '.join(allowed)}, got '{text}'")
    return text


def _nested_settings_class(cls: type, name: str) -> type:
    default = next(f for f in dataclasses.fields(cls) if f.name == name)
    if default.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return type(default.default_factory())  # type: ignore[misc]
    return type(default.default)
