# A stdout callback for the harness (scripts/ansible-targets.ts): one JSON line
# per task result, with what the tally needs (Debian's ansible-core ships no
# json callback: that one lives in the ansible.posix collection).
from __future__ import annotations

import json

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
    name: tally
    type: stdout
    short_description: one JSON line per task result, for drover's target harness
    description: Writes the action, status, ignore flag, task name and path, and message of each result.
'''


def _in_block_with_rescue(task):
    # A failure a rescue section handles counts as rescued, as drover reports it.
    parent = task._parent
    while parent is not None:
        if getattr(parent, 'rescue', None):
            return True
        parent = getattr(parent, '_parent', None)
    return False


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'tally'

    def _line(self, result, status, ignored=False):
        task = result._task
        ignored = ignored or (status == 'failed' and _in_block_with_rescue(task))
        msg = result._result.get('msg', '')
        self._display.display(json.dumps({
            'action': task.action,
            'status': status,
            'ignored': ignored,
            'name': task.get_name(),
            'path': task.get_path() or '',
            'msg': msg if isinstance(msg, str) else json.dumps(msg, default=str),
        }))

    def v2_runner_on_ok(self, result):
        self._line(result, 'changed' if result._result.get('changed') else 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._line(result, 'failed', ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._line(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._line(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        self._display.display(json.dumps({'stats': {h: stats.summarize(h) for h in stats.processed}}))
