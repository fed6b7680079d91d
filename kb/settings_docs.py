"""Renders docs/configuration.md from the settings class, so the page cannot drift from the code.

Run ``python -m kb.settings_docs > docs/configuration.md`` after changing a setting; a test
fails while the page and the class disagree.
"""

from __future__ import annotations

import json

from pydantic_core import PydanticUndefined

from kb.settings import DEFAULT_CONFIG_FILE, Settings

HEADER = f"""# Configuration

Every setting can be given as an environment variable (`KB_` + the name in capitals) or in a
TOML file: the file named by `KB_CONFIG`, else `{DEFAULT_CONFIG_FILE}` in the working directory.
Environment variables win over the file. List values are JSON in the environment
(`KB_LANGUAGES='["id","en"]'`) and arrays in TOML.

Example `kb.toml`:

```toml
home = "/srv/kb"
chunk_tokens = 256
# chroma_url = "http://127.0.0.1:8000"
```

| variable | default | description |
|---|---|---|
"""


def _default(field) -> str:
    if field.default_factory is not None:
        return "(number of CPU cores)" if "cpu_count" in repr(field.default_factory) else "(computed)"
    if field.default is None or field.default is PydanticUndefined:
        return "(unset)"
    value = field.default
    if isinstance(value, (list, dict)):
        return f"`{json.dumps(value)}`"
    return f"`{value}`"


def render() -> str:
    rows = [
        f"| `KB_{name.upper()}` | {_default(field)} | {field.description} |"
        for name, field in Settings.model_fields.items()
    ]
    return HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(render(), end="")
