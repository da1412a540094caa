"""Survey instruments as data: load ``surveys/<key>.yaml`` into a validated, immutable model.

An instrument file is the single source of its wording. It is validated on load so that a typo
is caught before anyone sees the survey, and every problem is reported with the file, the item
and the field (and the line in the file). The content hash identifies the wording: any change of
text, anchors, scale or keying gives a new hash, which the registry turns into a new version so
that old answers keep the wording they were given.

File layout (see ``surveys/pulse.yaml``)::

    key, title{nl,en}, intro{nl,en}, privacy{nl,en}
    reason_question{nl,en}, reasons: [{code, label{nl,en}}]       # exit / follow-up only
    response_scales: {name: {min, max, anchors{nl: [...], en: [...]}}}
    scales: [{key, label, origin, licence, citation, notes, stem, scoring,
              higher_is_better, response}]
    items:  [{id, scale, text{nl,en}, reverse, [response | min, max, anchors]}]
    open_questions: [{id, text{nl,en}, max_length}]

Items are listed flat and name their scale (like rows of a table); the loaded model nests them
under their scale. An item takes ``min``, ``max`` and ``anchors`` from its response scale (its
own ``response`` or else its scale's); values given on the item itself win.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)

from verloop.errors import InputError

LANGUAGES: tuple[str, ...] = ("nl", "en")
"""Every text exists in each of these languages; Dutch first (the respondents' default)."""

DEFAULT_MAX_LENGTH = 2000

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=50)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Frozen):
    """One text in every language; ``text["nl"]`` and ``text.nl`` both work."""

    nl: NonEmpty
    en: NonEmpty

    def __getitem__(self, language: str) -> str:
        if language not in LANGUAGES:
            raise KeyError(language)
        return getattr(self, language)


class Anchors(_Frozen):
    """Answer labels per language: either [min label, max label] or one label per point."""

    nl: tuple[NonEmpty, ...]
    en: tuple[NonEmpty, ...]

    def __getitem__(self, language: str) -> tuple[str, ...]:
        if language not in LANGUAGES:
            raise KeyError(language)
        return getattr(self, language)


def _check_range(minimum: int, maximum: int, anchors: Anchors) -> None:
    if maximum <= minimum:
        raise ValueError(f"field 'max' ({maximum}) must be greater than field 'min' ({minimum})")
    points = maximum - minimum + 1
    for language in LANGUAGES:
        count = len(anchors[language])
        if count not in (2, points):
            raise ValueError(
                f"field 'anchors.{language}' has {count} labels; give 2 (for min and max) "
                f"or {points} (one per answer point)"
            )
    if len(anchors.nl) != len(anchors.en):
        raise ValueError("field 'anchors' has a different number of labels in nl and en")


class ResponseScale(_Frozen):
    """A reusable answer format, e.g. Likert 1–5 agree or WHO-5's 0–5 frequency scale."""

    min: StrictInt
    max: StrictInt
    anchors: Anchors

    @model_validator(mode="after")
    def _valid_range(self) -> ResponseScale:
        _check_range(self.min, self.max, self.anchors)
        return self


class Item(_Frozen):
    """One closed question with an integer answer from ``min`` to ``max``."""

    id: Identifier
    scale: Identifier
    text: Text
    min: StrictInt
    max: StrictInt
    reverse: StrictBool = False
    anchors: Anchors

    @model_validator(mode="after")
    def _valid(self) -> Item:
        _check_range(self.min, self.max, self.anchors)
        return self

    @property
    def points(self) -> range:
        return range(self.min, self.max + 1)

    def labels(self, language: str) -> dict[int, str]:
        """Label per answer point that has one (all points, or just min and max)."""
        anchors = self.anchors[language]
        if len(anchors) == len(self.points):
            return dict(zip(self.points, anchors))
        return {self.min: anchors[0], self.max: anchors[-1]}

    def keyed(self, value: float) -> float:
        """The answer in the scale's direction: ``min + max - value`` for reverse items."""
        return self.min + self.max - value if self.reverse else value


class Scale(_Frozen):
    """A construct measured by a few items, with where its wording comes from."""

    key: Identifier
    label: Text
    origin: NonEmpty
    licence: NonEmpty
    citation: str | None = None
    notes: str | None = None
    stem: Text | None = None
    scoring: Literal["mean", "percent"] = "mean"
    higher_is_better: StrictBool = True
    items: tuple[Item, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _items_belong(self) -> Scale:
        for item in self.items:
            if item.scale != self.key:
                raise ValueError(f"item '{item.id}' names scale '{item.scale}'")
            if not re.fullmatch(rf"{re.escape(self.key)}_\d+", item.id):
                raise ValueError(
                    f"item '{item.id}': field 'id' must be '{self.key}_<number>' "
                    f"(items are numbered within their scale)"
                )
        return self

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]


class OpenQuestion(_Frozen):
    """An optional free-text question; answers are stored as text and always shown escaped."""

    id: Identifier
    text: Text
    max_length: StrictInt = Field(DEFAULT_MAX_LENGTH, ge=1, le=10_000)


class Reason(_Frozen):
    """One code of the fixed list of reasons for leaving."""

    code: Identifier
    label: Text


class Instrument(_Frozen):
    """A complete survey definition. Build it with :func:`load_instrument`."""

    key: Identifier
    title: Text
    intro: Text
    privacy: Text
    reason_question: Text | None = None
    reasons: tuple[Reason, ...] = ()
    scales: tuple[Scale, ...] = Field(min_length=1)
    open_questions: tuple[OpenQuestion, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        seen: set[str] = set()
        for question_id in [i.id for i in self.items] + [q.id for q in self.open_questions]:
            if question_id in seen or question_id == "reason":
                raise ValueError(f"question id '{question_id}' is used twice")
            seen.add(question_id)
        scale_keys = [s.key for s in self.scales]
        if len(set(scale_keys)) != len(scale_keys):
            raise ValueError("a scale key is used twice")
        codes = [r.code for r in self.reasons]
        if len(set(codes)) != len(codes):
            raise ValueError("a reason code is used twice")
        if bool(self.reasons) != (self.reason_question is not None):
            raise ValueError("field 'reason_question' and field 'reasons' must be given together")
        return self

    # -- convenience -----------------------------------------------------------------------
    @functools.cached_property
    def items(self) -> list[Item]:
        """All closed items, in the order they are asked."""
        return [item for scale in self.scales for item in scale.items]

    @functools.cached_property
    def _item_index(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def item(self, item_id: str) -> Item:
        try:
            return self._item_index[item_id]
        except KeyError:
            raise KeyError(f"instrument '{self.key}' has no item '{item_id}'") from None

    def has_item(self, item_id: str) -> bool:
        return item_id in self._item_index

    def scale(self, key: str) -> Scale:
        for scale in self.scales:
            if scale.key == key:
                return scale
        raise KeyError(f"instrument '{self.key}' has no scale '{key}'")

    def open_question(self, question_id: str) -> OpenQuestion:
        for question in self.open_questions:
            if question.id == question_id:
                return question
        raise KeyError(f"instrument '{self.key}' has no open question '{question_id}'")

    def scale_items(self, min_items: int = 1) -> dict[str, list[str]]:
        """``{scale: [item ids]}``; ``min_items=2`` gives the scales alpha is defined for."""
        return {s.key: s.item_ids for s in self.scales if len(s.items) >= min_items}

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    # -- identity --------------------------------------------------------------------------
    @functools.cached_property
    def definition_json(self) -> str:
        """Canonical JSON of the whole definition (what the database stores per version)."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @functools.cached_property
    def content_hash(self) -> str:
        """sha256 of :attr:`definition_json`: any change of wording gives a new hash."""
        return hashlib.sha256(self.definition_json.encode("utf-8")).hexdigest()

    @property
    def version(self) -> str:
        """Short wording fingerprint (first 12 hex digits of the content hash).

        The sequential version number 1, 2, 3… of a key is assigned by the database
        (:func:`verloop.surveys.registry.register_instrument`), not by the file.
        """
        return self.content_hash[:12]

    @classmethod
    def from_definition(cls, definition: str | dict) -> Instrument:
        """Rebuild an instrument from its stored :attr:`definition_json` (an old version)."""
        data = json.loads(definition) if isinstance(definition, str) else definition
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = _format_validation_error(exc, data, {}, {})
            raise InputError(f"stored instrument definition is invalid: {problems[0]}", problems) from None


# ------------------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------------------


def surveys_dir() -> Path:
    """Where instrument files live: ``$VERLOOP_SURVEYS``, else the instruments shipped with the
    package (``surveys/`` of the checkout); see ``verloop.config``."""
    from verloop.config import current

    return current().instruments_dir


def available_instruments() -> list[str]:
    """Keys of the instrument files in :func:`surveys_dir`."""
    return sorted(p.stem for p in surveys_dir().glob("*.yaml"))


def instrument_path(key_or_path: str | os.PathLike) -> Path:
    """Resolve a key (``"pulse"``) or a path (``"x/pulse.yaml"``) to a file path."""
    text = os.fspath(key_or_path)
    if re.fullmatch(r"[a-z][a-z0-9_]*", text):
        return surveys_dir() / f"{text}.yaml"
    return Path(text)


def load_instrument(key_or_path: str | os.PathLike) -> Instrument:
    """Load and validate an instrument by key or path.

    Raises :class:`~verloop.errors.InputError` naming the file, item, field and line for every
    problem. The result is cached per file content, so repeated calls are cheap and a changed
    file is re-read.
    """
    path = instrument_path(key_or_path)
    display = _display(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        known = ", ".join(available_instruments()) or "none"
        raise InputError(
            f"{display}: instrument file does not exist; give a path to a .yaml file "
            f"or one of the known keys ({known})."
        ) from None
    except OSError as exc:
        raise InputError(f"{display}: cannot read the instrument file ({exc.strerror}).") from None
    instrument = _parse_cached(display, data)
    expected_key = os.fspath(key_or_path)
    if re.fullmatch(r"[a-z][a-z0-9_]*", expected_key) and instrument.key != expected_key:
        raise InputError(
            f"{display}: field 'key' is '{instrument.key}' but the file was loaded as "
            f"'{expected_key}'; make the key equal to the file name."
        )
    return instrument


def parse_instrument(text: str | bytes, source: str = "<instrument>") -> Instrument:
    """Validate an instrument given as YAML text; ``source`` names it in error messages."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return _parse_cached(source, data)


def _display(path: Path) -> str:
    resolved = path.resolve()
    shipped = surveys_dir().resolve().parent  # "surveys/pulse.yaml", in a checkout or a wheel
    try:
        bases = (shipped, Path.cwd())
    except OSError:  # the working directory was removed
        bases = (shipped,)
    for base in bases:
        try:
            return resolved.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


@functools.lru_cache(maxsize=32)
def _parse_cached(display: str, data: bytes) -> Instrument:
    raw = _read_yaml(display, data)
    resolved, lines, problems = _resolve(raw)
    try:
        instrument = Instrument.model_validate(resolved)
    except ValidationError as exc:
        problems += _format_validation_error(exc, resolved, lines, raw)
    if problems:
        _raise(display, problems)
    return instrument


def _raise(display: str, problems: list[str]) -> None:
    problems = [f"{display}: {p}" for p in problems]
    more = len(problems) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    raise InputError(problems[0] + suffix + "; fix the file and load it again.", problems)


# -- YAML with line numbers -------------------------------------------------------------------


class _LineDict(dict):
    """A mapping that remembers the line it starts on in the YAML file."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[_LineDict]:
    data = _LineDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (str, int, float, bool)) and key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"key '{key}' appears twice in the same block (first on line {seen[key]})",
                key_node.start_mark,
            )
        if isinstance(key, (str, int, float, bool)):
            seen[key] = key_node.start_mark.line + 1
    data.update(loader.construct_mapping(node, deep=True))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _read_yaml(display: str, data: bytes) -> dict:
    try:
        raw = yaml.load(data.decode("utf-8"), Loader=_LineLoader)  # noqa: S506 (safe subclass)
    except UnicodeDecodeError as exc:
        raise InputError(f"{display}: the file is not UTF-8 (byte {exc.start}); save it as UTF-8.") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
        what = exc.problem or exc.context or "invalid YAML"
        raise InputError(
            f"{display}: YAML syntax error at {where}: {what}; fix the file and load it again.",
            [f"{display}: {where}: {what}"],
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{display}: YAML syntax error: {exc}.") from None
    if not isinstance(raw, dict):
        raise InputError(
            f"{display}: the file must be a YAML mapping with 'key', 'scales' and 'items' at the top level."
        )
    return raw


# -- raw file → model input ---------------------------------------------------------------------

_TOP_LEVEL = {
    "key",
    "title",
    "intro",
    "privacy",
    "reason_question",
    "reasons",
    "response_scales",
    "scales",
    "items",
    "open_questions",
}


def _line(node: Any) -> str:
    line = getattr(node, "line", 0)
    return f" (line {line})" if line else ""


def _resolve(raw: dict) -> tuple[dict, dict, list[str]]:
    """Turn the flat file layout into the nested model input; report cross-reference errors.

    Returns the model input, a map from (kind, name) to line numbers, and the problems found.
    """
    problems: list[str] = []
    lines: dict[tuple[str, str], int] = {}
    for key in raw:
        if key not in _TOP_LEVEL:
            problems.append(f"top-level field '{key}' is not known (expected one of: {', '.join(sorted(_TOP_LEVEL))})")

    # response scales
    response_scales: dict[str, dict] = {}
    raw_responses = raw.get("response_scales") or {}
    if not isinstance(raw_responses, dict):
        problems.append("field 'response_scales' must be a mapping of name to {min, max, anchors}")
        raw_responses = {}
    for name, spec in raw_responses.items():
        try:
            ResponseScale.model_validate(spec)
        except ValidationError as exc:
            for error in exc.errors():
                problems.append(f"response scale '{name}': {_describe(error)}{_line(spec)}")
            continue
        response_scales[name] = spec

    # scales
    raw_scales = raw.get("scales")
    if raw_scales is None:
        problems.append("field 'scales' is missing")
        raw_scales = []
    if not isinstance(raw_scales, list):
        problems.append("field 'scales' must be a list")
        raw_scales = []
    scales: dict[str, dict] = {}
    scale_order: list[str] = []
    for index, spec in enumerate(raw_scales):
        if not isinstance(spec, dict) or not isinstance(spec.get("key"), str):
            problems.append(f"scale number {index + 1}: field 'key' is missing{_line(spec)}")
            continue
        key = spec["key"]
        if key in scales:
            problems.append(f"scale '{key}': field 'key' is used twice{_line(spec)}")
            continue
        response = spec.get("response")
        if response is not None and response not in raw_responses:
            problems.append(
                f"scale '{key}': field 'response' names unknown response scale '{response}' "
                f"(known: {', '.join(raw_responses) or 'none'}){_line(spec)}"
            )
        body = {k: v for k, v in spec.items() if k != "response"}
        body["items"] = []
        scales[key] = {"spec": spec, "body": body}
        scale_order.append(key)
        lines[("scale", key)] = getattr(spec, "line", 0)

    # items
    raw_items = raw.get("items")
    if raw_items is None:
        problems.append("field 'items' is missing")
        raw_items = []
    if not isinstance(raw_items, list):
        problems.append("field 'items' must be a list")
        raw_items = []
    item_lines: dict[str, int] = {}
    for index, spec in enumerate(raw_items):
        if not isinstance(spec, dict) or not isinstance(spec.get("id"), str):
            problems.append(f"item number {index + 1}: field 'id' is missing{_line(spec)}")
            continue
        item_id = spec["id"]
        line = getattr(spec, "line", 0)
        if item_id in item_lines:
            problems.append(
                f"item '{item_id}': field 'id' is used twice (lines {item_lines[item_id]} "
                f"and {line}); give every item its own id"
            )
            continue
        item_lines[item_id] = line
        lines[("item", item_id)] = line
        scale_key = spec.get("scale")
        if scale_key is None:
            problems.append(f"item '{item_id}': field 'scale' is missing{_line(spec)}")
            continue
        if scale_key not in scales:
            problems.append(
                f"item '{item_id}': field 'scale' names unknown scale '{scale_key}' "
                f"(known: {', '.join(scale_order) or 'none'}){_line(spec)}"
            )
            continue
        response = spec.get("response", scales[scale_key]["spec"].get("response"))
        merged: dict = {}
        if response is not None:
            if response not in raw_responses:
                if "response" in spec:
                    problems.append(
                        f"item '{item_id}': field 'response' names unknown response scale "
                        f"'{response}' (known: {', '.join(raw_responses) or 'none'}){_line(spec)}"
                    )
                continue
            if response not in response_scales:
                continue  # already reported at the response scale
            merged.update(response_scales[response])
        merged.update({k: v for k, v in spec.items() if k != "response"})
        scales[scale_key]["body"]["items"].append(merged)

    for key in scale_order:
        if not scales[key]["body"]["items"] and not problems:
            problems.append(f"scale '{key}' has no items{_line(scales[key]['spec'])}")

    resolved = {k: v for k, v in raw.items() if k not in ("response_scales", "items")}
    resolved["scales"] = [scales[key]["body"] for key in scale_order]
    return resolved, lines, problems


# -- pydantic errors → sentences ------------------------------------------------------------------


def _describe(error: dict, field_path: tuple = ()) -> str:
    path = field_path or tuple(error.get("loc", ()))
    field = ".".join(str(part) for part in path)
    kind = error.get("type", "")
    message = str(error.get("msg", "is invalid"))
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        return message if not field else f"field '{field}': {message}"
    if not field:
        return message
    if kind == "missing":
        return f"field '{field}' is missing"
    if kind == "extra_forbidden":
        return f"field '{field}' is not a known field (check the spelling)"
    if kind == "string_too_short":
        return f"field '{field}' is empty"
    if kind == "too_short":
        return f"field '{field}' is empty"
    got = error.get("input")
    shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
    return f"field '{field}' is invalid: {message.lower()} (got {shown})"


def _format_validation_error(exc: ValidationError, resolved: dict, lines: dict, raw: dict) -> list[str]:
    problems: list[str] = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        subject, rest, line = "", loc, 0
        try:
            if loc[:1] == ("scales",) and len(loc) >= 2 and isinstance(loc[1], int):
                scale = resolved["scales"][loc[1]]
                if len(loc) >= 4 and loc[2] == "items" and isinstance(loc[3], int):
                    item = scale["items"][loc[3]]
                    name = item.get("id", f"number {loc[3] + 1}")
                    subject, rest = f"item '{name}'", loc[4:]
                    line = lines.get(("item", name), 0)
                else:
                    name = scale.get("key", f"number {loc[1] + 1}")
                    subject, rest = f"scale '{name}'", loc[2:]
                    line = lines.get(("scale", name), 0)
            elif loc[:1] == ("open_questions",) and len(loc) >= 2 and isinstance(loc[1], int):
                question = resolved["open_questions"][loc[1]]
                subject = f"open question '{question.get('id', loc[1] + 1)}'"
                rest, line = loc[2:], getattr(question, "line", 0)
            elif loc[:1] == ("reasons",) and len(loc) >= 2 and isinstance(loc[1], int):
                reason = resolved["reasons"][loc[1]]
                subject = f"reason '{reason.get('code', loc[1] + 1)}'"
                rest, line = loc[2:], getattr(reason, "line", 0)
        except (KeyError, IndexError, TypeError, AttributeError):
            subject, rest = "", loc
        text = _describe(error, rest) if rest else _describe({**error, "loc": ()})
        sentence = f"{subject}: {text}" if subject else text
        problems.append(sentence + (f" (line {line})" if line else ""))
    return problems
