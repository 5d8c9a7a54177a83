#!/usr/bin/env bash
# Scenario clean: plants nothing. The sandbox alone is what a freshly
# installed, never-Kubernetes node looks like to a scanner.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/plant.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/../lib/plant.sh"

kr_log "nothing planted"
