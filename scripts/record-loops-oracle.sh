#!/bin/sh
# Records what ansible-playbook (Debian's ansible-core 2.14) prints for each
# debug task (name and message, in order) of test/fixtures/loops-like-ansible/site.yml, run on the
# controller itself, into expected.json beside it: the oracle of
# test/loops-and-includes-match-ansible.test.ts.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir="$here/test/fixtures/loops-like-ansible"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ANSIBLE_STDOUT_CALLBACK=tally ANSIBLE_CALLBACK_PLUGINS="$here/test/ansible-targets/callback" \
  ANSIBLE_HOME="$work/home" ANSIBLE_LOCAL_TEMP="$work/tmp" ANSIBLE_RETRY_FILES_ENABLED=false \
  ansible-playbook -i 'localhost,' -c local -e ansible_python_interpreter=/usr/bin/python3 "$dir/site.yml" > "$work/out"
/usr/bin/python3 - "$work/out" "$dir/expected.json" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{"action"')]
out = [[l['name'], l['msg']] for l in lines if l['action'] == 'debug' and l['status'] == 'ok']
json.dump(out, open(sys.argv[2], 'w'), indent=2, ensure_ascii=False)
open(sys.argv[2], 'a').write('\n')
PY
