#!/usr/bin/env bash
# Re-resolve requirements.in / requirements-dev.in into the pinned locks, without installing anything.
set -euo pipefail
cd "$(dirname "$0")/.."
resolve() {
  .venv/bin/pip install --dry-run --ignore-installed --quiet --report /tmp/tilts-lock.json "$@" >/dev/null 2>&1
  .venv/bin/python -c "
import json
report = json.load(open('/tmp/tilts-lock.json'))
for item in sorted(report['install'], key=lambda i: i['metadata']['name'].lower()):
    print(f\"{item['metadata']['name']}=={item['metadata']['version']}\")"
}
{ echo "# Pinned runtime dependencies, resolved from requirements.in by 'make lock'."; resolve -r requirements.in; } > requirements.txt.new
{ echo "# Pinned test and lint tools, resolved from requirements-dev.in by 'make lock'."; echo "-r requirements.txt"
  resolve -r requirements.in -r requirements-dev.in | grep -v -x -F -f requirements.txt.new; } > requirements-dev.txt
mv requirements.txt.new requirements.txt
