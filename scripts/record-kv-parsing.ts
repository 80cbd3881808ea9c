// Record ansible-core's parse_kv (ansible/parsing/splitter.py) for the strings
// in test/fixtures/legacy-syntax/kv-cases.json into expected-kv-parsing.json,
// which test/key-value-arguments-split-as-ansible.test.ts compares
// runner/playbook/kv-args.ts against. Run: node --import tsx scripts/record-kv-parsing.ts
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const DIR = 'test/fixtures/legacy-syntax';
const PYTHON = `
import json, sys
from ansible.parsing.splitter import parse_kv
out = []
for case in json.load(sys.stdin):
    text, raw = (case['text'], case['raw']) if isinstance(case, dict) else (case, False)
    try:
        out.append({'text': text, 'freeForm': raw, 'result': parse_kv(text, check_raw=raw)})
    except Exception as e:
        out.append({'text': text, 'freeForm': raw, 'error': type(e).__name__})
print(json.dumps(out, indent=2, ensure_ascii=False))
`;

const cases = readFileSync(`${DIR}/kv-cases.json`, 'utf8');
// Debian's python, where ansible-core is installed (not a python from PATH).
const output = execFileSync('/usr/bin/python3', ['-c', PYTHON], { input: cases }).toString();
writeFileSync(`${DIR}/expected-kv-parsing.json`, output);
