#!/usr/bin/env bash
# The services load benchmark (benches/services_load.py; its docstring has the details).
set -euo pipefail
cd "$(dirname "$0")/.."
# The Python venv with the pinned Flask and gunicorn (scripts/setup-env.sh).
source scripts/setup-env.sh --venv
exec python3 benches/services_load.py "$@"
