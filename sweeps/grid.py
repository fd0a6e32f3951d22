"""A sweep file (`--grid sweep.yaml`): axes to combine and variants listed one by one.

```yaml
vary:                                   # Cartesian product, like --vary
  policy.max_distance_km: [120, 160, 200]
  agencies[SNV].max_release: "+0, +1, +2"
variants:                               # each combined with the product of `vary`
  - policy.detour_factor: 1.4
    communes.capacity: x1.5
```
Every value is read as text (`+1` stays relative), exactly as on the command line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from i18n import _
from sweeps.keys import Change, Key, VaryError
from sweeps.variants import Axis, Variant, expand

GRID_KEYS = ("vary", "variants")


def read_grid(path: Path) -> tuple[list[Axis], list[Variant]]:
    """The axes and listed variants of a sweep file; every problem names the file."""
    try:
        loaded = yaml.load(Path(path).read_text(encoding="utf-8-sig"), Loader=yaml.BaseLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise VaryError(_("{file}: cannot read it: {error}").format(file=path, error=error)) from None
    if not isinstance(loaded, dict) or not loaded or set(loaded) - set(GRID_KEYS):
        raise VaryError(
            _("{file}: expected a mapping with {keys}").format(file=path, keys=" and/or ".join(GRID_KEYS))
        )
    try:
        return _axes(loaded.get("vary", {})), _listed(loaded.get("variants", []))
    except VaryError as error:
        raise VaryError(f"{path}: {error}") from None


def _axes(vary: object) -> list[Axis]:
    if not isinstance(vary, dict):
        raise VaryError(_("vary: expected KEY: [values] lines"))
    axes = []
    for key, values in vary.items():
        texts = values if isinstance(values, list) else expand(str(values))
        if any(not isinstance(v, str) for v in texts):
            raise VaryError(_("vary: {key}: expected a list of values").format(key=key))
        axes.append(Axis.parse(key, [t for v in texts for t in expand(v)]))
    return axes


def _listed(variants: object) -> list[Variant]:
    if not isinstance(variants, list):
        raise VaryError(_("variants: expected a list of KEY: value mappings"))
    listed = []
    for n, item in enumerate(variants, start=1):
        if not isinstance(item, dict) or any(not isinstance(v, str) for v in item.values()):
            raise VaryError(_("variants[{n}]: expected KEY: value lines").format(n=n))
        listed.append(Variant(tuple(Change.parse(Key.parse(k), v) for k, v in item.items())))
    return listed
