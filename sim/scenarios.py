"""Scenario files: a YAML file states a question and the parameters and driver schedules that pose it.

    name: sanctions_2017
    description: What if the 2017 sanctions had been ...
    extends: baseline            # optional: start from another scenario, state only what changes
    start: 1990-01
    end: 2020-12
    seed: 1
    households: 58875            # the scale: household agents modelled
    parameters:                  # any scalar of sim.parameters.Parameters
      bribe_protection: 0.4
    drivers:                     # any driver schedule: a number, or {date: value} (kind: step|linear)
      sanctions: {2016-03: 0.6, 2017-08: 1.0}

Settings can be changed after loading by path (`households`, `parameters.NAME`, `drivers.NAME`,
`drivers.NAME.DATE`, or a bare parameter or driver name), which is how `--set` and sweeps work. Every
problem is reported as one `ScenarioError` naming the file, the field and what is allowed.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.core.schedule import Schedule, month_label
from sim.parameters import ParameterError, Parameters

SCENARIO_DIR = Path(os.environ.get("JANGMADANG_SCENARIOS", Path(__file__).resolve().parents[1] / "scenarios"))
DRIVERS = {f.name for f in fields(Parameters) if "Schedule" in str(f.type)}
TOP_LEVEL_SETTINGS = ("start", "end", "households")
SCALARS = {f.name for f in fields(Parameters)} - DRIVERS - set(TOP_LEVEL_SETTINGS)


class ScenarioError(Exception):
    """A scenario that cannot be loaded; the message names the file, the field and what is allowed."""


class ScenarioFile(BaseModel):
    """The top level of a scenario file."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str
    extends: str | None = None
    start: Any = None
    end: Any = None
    seed: int = Field(default=1, strict=True, ge=0)
    households: Any = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    drivers: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    """A loaded scenario: its settings (after `extends` and overrides) and the model parameters they make."""

    name: str
    description: str
    path: Path
    texts: dict[str, str]  # file name -> text, for the scenario and every scenario it extends
    seed: int
    settings: dict[str, Any]  # start/end/households, parameters, drivers, as written
    parameters: Parameters

    def with_overrides(self, overrides: dict[str, Any], seed: int | None = None, source: str | None = None) -> Scenario:
        """The same scenario with settings changed by path (see the module docstring), validated again.

        Errors name `source` (say "--set") as where the bad value came from, else the scenario's file.
        """
        origin = Path(source) if source else self.path
        settings = copy.deepcopy(self.settings)
        for path, value in overrides.items():
            _set_path(settings, path, value, origin)
        return Scenario(
            self.name,
            self.description,
            self.path,
            self.texts,
            self.seed if seed is None else seed,
            settings,
            _build_parameters(settings, origin),
        )

    @property
    def digest(self) -> str:
        """A hash of the scenario files' texts."""
        return hashlib.sha256("\n".join(f"{k}\n{v}" for k, v in sorted(self.texts.items())).encode()).hexdigest()


def resolve(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    """The file of a scenario given by path, or by name in `scenarios/` (or next to `relative_to`)."""
    candidate = Path(name_or_path)
    places = [candidate]
    if candidate.suffix not in (".yaml", ".yml"):
        places += [
            folder / f"{name_or_path}.yaml"
            for folder in filter(None, (relative_to and relative_to.parent, SCENARIO_DIR))
        ]
    for place in places:
        if place.is_file():
            return place
    known = ", ".join(name for name, _ in list_scenarios()) or "none"
    raise ScenarioError(f"{name_or_path}: no such scenario file or shipped scenario (shipped: {known}).")


def list_scenarios() -> list[tuple[str, str]]:
    """(name, first line of description) of each scenario shipped in `scenarios/`."""
    found = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text()) or {}
            found.append((path.stem, str(data.get("description", "")).strip().split("\n")[0]))
        except (OSError, yaml.YAMLError, AttributeError):
            found.append((path.stem, "(unreadable)"))
    return found


def load_scenario(
    name_or_path: str | Path, overrides: dict[str, Any] | None = None, source: str | None = None
) -> Scenario:
    """Load, resolve `extends`, validate, and apply `overrides` (by path; errors name `source`)."""
    path = resolve(name_or_path)
    texts: dict[str, str] = {}
    head = _read(path, texts)
    chain, current = [head], head
    while current[1].extends:
        parent = resolve(current[1].extends, relative_to=current[0])
        if str(parent) in texts:
            raise ScenarioError(f"{current[0]}: extends: {current[1].extends!r} extends itself in a cycle.")
        current = _read(parent, texts)
        chain.append(current)
    settings: dict[str, Any] = {"parameters": {}, "drivers": {}}
    for file_path, spec in reversed(chain):
        for key in TOP_LEVEL_SETTINGS:
            if getattr(spec, key) is not None:
                settings[key] = getattr(spec, key)
        for section in ("parameters", "drivers"):
            for name, value in getattr(spec, section).items():
                _check_section(file_path, section, name)
                settings[section][name] = value
    _, top = head
    seed = next((spec.seed for _, spec in chain if "seed" in spec.model_fields_set), 1)
    scenario = Scenario(top.name, top.description, path, texts, seed, settings, _build_parameters(settings, path))
    return scenario.with_overrides(overrides, source=source) if overrides else scenario


def read_yaml(path: Path) -> tuple[str, Any]:
    """The text of a YAML file and what it holds; a `ScenarioError` in one line if it cannot be read."""
    try:
        text = path.read_text()
        return text, yaml.safe_load(text)
    except OSError as error:
        raise ScenarioError(f"{path}: cannot be read ({error.strerror}).") from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where else ""
        raise ScenarioError(f"{path}: is not valid YAML{line}: {getattr(error, 'problem', error)}.") from None


def _read(path: Path, texts: dict[str, str]) -> tuple[Path, ScenarioFile]:
    text, data = read_yaml(path)
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: a scenario file is a mapping with at least 'name' and 'description'.")
    texts[str(path)] = text
    try:
        return path, ScenarioFile.model_validate(data)
    except ValidationError as error:
        # every problem of the file at once, so that a new file is mended in one pass
        problems, unknown = [], False
        for item in error.errors():
            field = ".".join(str(part) for part in item["loc"])
            if item["type"] == "extra_forbidden":
                problems.append(f"{field}: unknown key{_where_it_belongs(field)}")
                unknown = True
            elif item["type"] == "missing":
                problems.append(f"{field}: Field required")
            else:
                problems.append(f"{field}: {item['msg']}, got {item.get('input')!r}")
        keys = f"; the keys are {', '.join(ScenarioFile.model_fields)}" if unknown else ""
        raise ScenarioError(f"{path}: {'; '.join(problems)}{keys}.") from None


def _where_it_belongs(key: str) -> str:
    """A hint for an unknown top-level key: the section a driver or parameter of that name (or a close one)
    goes under, or the top-level key it is probably a misspelling of."""
    for name in [key, *difflib.get_close_matches(key, DRIVERS | SCALARS, n=1, cutoff=0.8)]:
        kind, section = ("driver", "drivers") if name in DRIVERS else ("parameter", "parameters")
        if name in DRIVERS | SCALARS:
            what = f"{name!r} is a {kind};" if name == key else f"did you mean the {kind} {name!r}?"
            return f" ({what} {section} go under '{section}:', as '{section}: {{{name}: ...}}')"
    close = difflib.get_close_matches(key, list(ScenarioFile.model_fields), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_section(path: Path, section: str, name: str) -> None:
    """A parameter must be under `parameters` and a driver under `drivers`."""
    if section == "parameters" and name in DRIVERS:
        raise ScenarioError(f"{path}: parameters.{name}: {name} is a driver schedule; put it under 'drivers'.")
    if section == "drivers" and name in SCALARS | set(TOP_LEVEL_SETTINGS):
        where = "at the top level" if name in TOP_LEVEL_SETTINGS else "under 'parameters'"
        raise ScenarioError(f"{path}: drivers.{name}: {name} is not a driver; put it {where}.")
    known = DRIVERS if section == "drivers" else SCALARS
    if name not in known:
        close = difflib.get_close_matches(name, known | DRIVERS | SCALARS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ScenarioError(f"{path}: {section}.{name}: unknown {section[:-1]}{hint}; see sim/parameters.py.")


def _field_path(name: str) -> str:
    if name in DRIVERS:
        return f"drivers.{name}"
    return name if name in TOP_LEVEL_SETTINGS else f"parameters.{name}"


def _build_parameters(settings: dict[str, Any], path: Path) -> Parameters:
    values = {key: settings[key] for key in TOP_LEVEL_SETTINGS if key in settings}
    values.update(settings["parameters"])
    values.update(settings["drivers"])
    try:
        return Parameters.build(**values)
    except ParameterError as error:
        name, problem = next(iter(error.problems.items()))
        raise ScenarioError(f"{path}: {_field_path(name)}: {problem}.") from None


def setting_path(path: str, source: Path | str) -> list[str]:
    """Split a setting path into its parts, with a bare name put in its section; raise if it names nothing."""
    parts = path.split(".")
    if len(parts) == 1 and parts[0] in DRIVERS | SCALARS:
        parts = [_field_path(parts[0]).split(".")[0], *parts]
    if len(parts) == 1 and parts[0] in TOP_LEVEL_SETTINGS:
        return parts
    if (
        parts[0] not in ("parameters", "drivers")
        or not 2 <= len(parts) <= 3
        or (len(parts) == 3 and parts[0] != "drivers")
    ):
        raise ScenarioError(
            f"{source}: {path}: unknown setting; use households, start, end, parameters.NAME, drivers.NAME, "
            "drivers.NAME.YYYY-MM, or a parameter or driver name."
        )
    _check_section(Path(source), parts[0], parts[1])
    return parts


def _set_path(settings: dict[str, Any], path: str, value: Any, source: Path) -> None:
    """Set one setting by path (see `setting_path`); a driver date changes one point of its schedule."""
    parts = setting_path(path, source)
    if len(parts) == 1:
        settings[parts[0]] = value
    elif len(parts) == 2:
        settings[parts[0]][parts[1]] = value
    else:
        current = settings["drivers"].get(parts[1], _default_points(parts[1]))
        points = dict(current) if isinstance(current, dict) else {settings.get("start", "1990-01"): current}
        points[parts[2]] = value
        settings["drivers"][parts[1]] = dict(sorted(points.items(), key=lambda item: _sort_key(item[0])))


def _default_points(driver: str) -> dict[str, Any]:
    """The default schedule of a driver as a `{date: value}` mapping, so one point can be changed."""
    schedule: Schedule = getattr(Parameters(), driver)
    points: dict[str, Any] = {"kind": schedule.kind}
    points.update({month_label(m): value for m, value in zip(schedule.months, schedule.values, strict=True)})
    return points


def _sort_key(key: Any) -> tuple[int, str]:
    return (0, "") if key == "kind" else (1, str(key) if not isinstance(key, int) else f"{key:04d}")
