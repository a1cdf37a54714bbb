#!/usr/bin/env bash
# Copies the rule files the services read from the repository's config/ into
# charts/voc/files/, where the chart's templates take them with .Files.Get.
#
# Why a copy at render/packaging time instead of a committed copy: config/ stays
# the single source of truth, so the chart can never ship rules that drifted
# from the ones the tests ran with. Run it before `helm template`, `helm install
# ./charts/voc` or `helm package`; scripts/check-chart.sh runs it itself.
#
# Usage: sync-rule-files.sh [SOURCE_DIR [DEST_DIR]]
#   SOURCE_DIR defaults to <repo>/config, DEST_DIR to <repo>/charts/voc/files.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="${1:-$root/config}"
dest="${2:-$root/charts/voc/files}"

# Keep in step with the "voc.ruleFiles" list in charts/voc/templates/_helpers.tpl.
files=(taxonomy redlines priority directory routing subscriptions sla_policies roles entities
       calendars/cn-2026 calendars/cn-2027)

missing=()
for f in "${files[@]}"; do
  [[ -f "$src/$f.yaml" ]] || missing+=("$src/$f.yaml")
done
if ((${#missing[@]})); then
  echo "sync-rule-files: missing rule file(s): ${missing[*]}" >&2
  exit 1
fi

mkdir -p "$dest"
for f in "${files[@]}"; do
  mkdir -p "$(dirname "$dest/$f.yaml")"
  cp "$src/$f.yaml" "$dest/$f.yaml"
done
echo "sync-rule-files: copied ${#files[@]} rule files from $src to $dest"
