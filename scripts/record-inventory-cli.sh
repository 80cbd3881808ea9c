#!/usr/bin/env bash
# Records what Debian's ansible-inventory prints for the fixtures of
# test/drover-inventory-prints-what-ansible-inventory-prints.test.ts
# (test/fixtures/inventory-cli/<name>/hosts.*), one file per command line.
set -euo pipefail
cd "$(dirname "$0")/../test/fixtures/inventory-cli"
while read -r name flags; do
  inv=$(ls "$name"/hosts.*)
  out="expected/$name$(echo "$flags" | tr ' ' '_').txt"
  mkdir -p expected
  # shellcheck disable=SC2086
  ansible-inventory -i "$inv" $flags > "$out"
done < cases.txt
