// pause: wait a number of seconds or minutes on the controller, as Ansible's
// pause action does (also in check mode: waiting changes nothing). Without a
// duration Ansible waits for Enter; when its stdin is not a terminal it warns
// and goes on at once, and so does drover. drover never reads the keyboard,
// so a pause for Enter with a terminal on stdin fails instead of going on.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { pythonTime } from './support/command-run.js';

const NOT_INTERACTIVE = 'Not waiting for response to prompt as stdin is not interactive';

export default defineModule({
  name: 'pause',
  summary: 'Wait some seconds or minutes (on the controller, also in check mode).',
  changedWhen: 'never.',
  controllerOnly: true,
  bypassHostLoop: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      seconds: { type: 'number', description: 'How long to wait, in seconds (whole seconds, at least 1, as Ansible: a fraction is cut off).' },
      minutes: { type: 'number', description: 'How long to wait, in minutes (whole minutes; 0 waits 1 second, as in Ansible).' },
      prompt: { type: 'string', description: 'Text shown while waiting. Without seconds/minutes Ansible waits for Enter: drover only goes on when stdin is not a terminal (with a warning, as Ansible).' },
      echo: { type: 'boolean', default: true, description: 'Returned as echo, as Ansible (it only hides typed keys, which drover does not read).' },
    },
  },
  async plan(_host, params, ctx) {
    if (params.minutes !== undefined && params.seconds !== undefined) throw new ModuleFailure('parameters are mutually exclusive: minutes|seconds');
    const unit = params.seconds !== undefined ? 'seconds' : 'minutes';
    // Ansible's int() type: a fraction is cut off; under one second is one second.
    const given = params.seconds ?? (params.minutes === undefined ? undefined : Math.trunc(params.minutes) * 60);
    const seconds = given === undefined ? undefined : Math.max(1, Math.trunc(given));
    if (seconds === undefined) {
      if (process.stdin.isTTY) {
        throw new ModuleFailure('pause without seconds or minutes waits for Enter, and drover does not read the keyboard: give seconds or minutes (with stdin not a terminal it goes on at once, as Ansible does)');
      }
      ctx.warn(NOT_INTERACTIVE);
    }
    const start = new Date();
    if (seconds !== undefined) await new Promise((done) => setTimeout(done, seconds * 1000));
    const stop = new Date();
    const elapsed = (stop.getTime() - start.getTime()) / 1000;
    const stdout = `Paused for ${pyFloat(unit === 'minutes' ? elapsed / 60 : elapsed)} ${unit}`;
    return {
      changes: [],
      result: { rc: 0, stderr: '', stdout, start: pythonTime(start), stop: pythonTime(stop), delta: Math.trunc(elapsed), echo: params.echo, user_input: '' },
      message: params.prompt !== undefined ? `${params.prompt}: ${stdout}` : stdout,
    };
  },
});

/** str(round(x, 2)) in Python: always a decimal point ('1.0', '1.04'). */
function pyFloat(x: number): string {
  const rounded = Math.round(x * 100) / 100;
  return Number.isInteger(rounded) ? `${rounded}.0` : String(rounded);
}
