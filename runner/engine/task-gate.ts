// Which tasks run at all, beyond tags: --start-at-task skips everything
// before the first task whose name matches; --step asks before each task.
// Hosts run independently, so the first host to reach a task decides for all
// of them (Ansible gets the same effect from running hosts in lock-step).
import type { ModuleTask } from '../playbook/types.js';

/** The answer to "Perform task?": yes, no (skip it), or yes to this and every later task. */
export type StepAnswer = 'yes' | 'no' | 'continue';

export interface GateOptions {
  /** A task name or glob (`*`) to start at. */
  startAtTask?: string;
  /** Asked once per task when stepping; absent means no stepping. */
  askStep?: (taskName: string) => Promise<StepAnswer>;
}

export class TaskGate {
  private started: boolean;
  private stepping: boolean;
  private readonly decisions = new Map<ModuleTask, Promise<boolean>>();
  private readonly startPattern?: RegExp;

  constructor(private readonly options: GateOptions) {
    this.started = options.startAtTask === undefined;
    this.stepping = options.askStep !== undefined;
    if (options.startAtTask !== undefined) {
      const glob = options.startAtTask.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
      this.startPattern = new RegExp(`^${glob}$`);
    }
  }

  /** Whether this task runs; handlers always do (they were notified by tasks that ran). */
  allows(task: ModuleTask, name: string): Promise<boolean> {
    let decision = this.decisions.get(task);
    if (!decision) {
      decision = this.decide(name);
      this.decisions.set(task, decision);
    }
    return decision;
  }

  private async decide(name: string): Promise<boolean> {
    if (!this.started) {
      if (!this.startPattern!.test(name)) return false;
      this.started = true;
    }
    if (!this.stepping) return true;
    const answer = await this.options.askStep!(name);
    if (answer === 'continue') this.stepping = false;
    return answer !== 'no';
  }
}
