// async_status: how an async job started with poll: 0 is doing
// (modules/support/async-jobs.ts). Running: finished 0. Done: the job's own
// result (a failed command fails this task, as in Ansible), which is then
// written to the job's results file; mode=cleanup removes the job's files.
// Reading is the plan; writing the results file and erasing are apply.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { eraseJob, readJob, recordJobResult } from './support/async-jobs.js';

export default defineModule({
  name: 'async_status',
  summary: 'Tell whether an async job (async with poll: 0) has finished, with its result.',
  changedWhen: "when the job finished and changed something (a command always does), as the job's own result says.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['jid'],
    properties: {
      jid: { type: 'string', minLength: 1, description: 'The job id, ansible_job_id of the task that started it.' },
      mode: { enum: ['status', 'cleanup'], default: 'status', description: 'status: report on the job; cleanup: remove its results file.' },
    },
  },
  async plan(host, params) {
    const jid = params.jid;
    if (params.mode === 'cleanup') return { changes: [`erase the files of job ${jid}`], result: { ansible_job_id: jid } };
    const status = await readJob(host, jid);
    if (status === null) throw new ModuleFailure('could not find job', { ansible_job_id: jid, started: 1, finished: 1 });
    const keys = { ansible_job_id: jid, started: 1, results_file: status.resultsFile };
    if (!status.finished) return { changes: [], result: { ...keys, finished: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] } };
    const result: Record<string, unknown> = { ...status.result, ...keys, finished: 1 };
    if (result.failed === true) throw new ModuleFailure(String(result.msg), result);
    // The job changed the host (a command that ran); recording its result is this task's own write.
    const changes = result.changed === true ? [`job ${jid} finished`] : [];
    return { changes, result };
  },
  async apply(host, params, plan) {
    if (params.mode === 'cleanup') {
      // Ansible's cleanup answers with an empty status beside what it erased, and changes nothing it counts.
      const erased = await eraseJob(host, params.jid);
      return { changed: false, result: { erased, started: 0, finished: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] } };
    }
    await recordJobResult(host, params.jid, plan.result ?? {});
    return { changed: true };
  },
});
