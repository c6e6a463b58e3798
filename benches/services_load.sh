#!/usr/bin/env bash
# The services load benchmark (benches/services_load.py; its docstring has the details).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 benches/services_load.py "$@"
