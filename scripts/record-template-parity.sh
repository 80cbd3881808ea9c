#!/bin/sh
# Record Ansible's output for the template parity corpus (test/fixtures/template-parity):
# every file in templates/ rendered by ansible-playbook's template module on localhost,
# into expected/. Needs ansible-core 2.14; the parity test needs only the recorded files.
set -eu
dir="$(cd "$(dirname "$0")/../test/fixtures/template-parity" && pwd)"
rm -rf "$dir/expected"
mkdir -p "$dir/expected"
ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0 \
  ansible-playbook -i localhost, "$dir/record.yml"
echo "recorded $(ls "$dir/expected" | wc -l) templates with $(ansible-playbook --version | head -1)"
