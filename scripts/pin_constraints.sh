#!/usr/bin/env bash
# Rewrite .ci/constraints.txt from a virtual environment that passes .ci/run (default ./.venv):
# every package installed there except the project itself, pinned to the installed version.
# Run it after changing dependencies in pyproject.toml (install them first), then commit the file.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
"$PYTHON" -c 'import foi_extract' 2>/dev/null || {
    echo "foi_extract is not installed in $PYTHON: pip install -e '.[dev,local]' first" >&2
    exit 1
}
out=.ci/constraints.txt
{
    echo "# Every Python package .ci/run installs, at the versions CI last passed with: .ci/run installs"
    echo "# '.[dev,local]' under these constraints (pip -c), so a new release of a dependency (pydantic,"
    echo "# sqlite-utils, rich, ...) cannot change what mypy or the tests see on a clean clone."
    echo "# Written by scripts/pin_constraints.sh from $("$PYTHON" -c 'import sys; print("Python %d.%d" % sys.version_info[:2])'); do not edit by hand."
    "$PYTHON" -m pip freeze --exclude-editable --disable-pip-version-check
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(grep -vc '^#' "$out") packages)" >&2
