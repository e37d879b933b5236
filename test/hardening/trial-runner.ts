/**
 * Runs tsops command lines in a child process (trial-child.ts) with a timeout per trial. The
 * commands run in-process there, so a thousand trials cost one process start, yet a hang only
 * costs its timeout: the child is killed, the trial reported as hung, and a fresh child takes
 * the rest.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TRIAL_CHILD_ENV, type TrialReply, type TrialRequest } from './trial-child.js';

const childPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'trial-child.js');

export interface TrialResult {
  code: number;
  stdout: string;
  stderr: string;
  /** True when the trial did not answer within the timeout. */
  hung: boolean;
  ms: number;
}

export class TrialRunner {
  private child: ChildProcess | undefined;
  private nextId = 0;

  constructor(private readonly timeoutMs: number) {}

  private start(): ChildProcess {
    // Output of commands the child runs (it should run none) is discarded, not mixed into ours.
    this.child = fork(childPath, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: { ...process.env, [TRIAL_CHILD_ENV]: '1' } });
    return this.child;
  }

  /** Run one command line in `cwd` with exactly `env`. */
  run(argv: string[], cwd: string, env: Record<string, string | undefined>): Promise<TrialResult> {
    const child = this.child ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const started = Date.now();
      const finish = (result: TrialResult): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(result);
      };
      const onMessage = (reply: TrialReply): void => {
        if (reply.id === id) finish({ code: reply.code, stdout: reply.stdout, stderr: reply.stderr, hung: false, ms: reply.ms });
      };
      const onExit = (): void => {
        this.child = undefined;
        finish({ code: -1, stdout: '', stderr: 'the trial process died', hung: false, ms: Date.now() - started });
      };
      const timer = setTimeout(() => {
        this.child = undefined;
        child.off('exit', onExit);
        child.kill('SIGKILL');
        finish({ code: -1, stdout: '', stderr: `no answer within ${this.timeoutMs} ms`, hung: true, ms: Date.now() - started });
      }, this.timeoutMs);
      child.on('message', onMessage);
      child.on('exit', onExit);
      const request: TrialRequest = { id, argv, cwd, env };
      child.send(request);
    });
  }

  /** Stop the child. */
  close(): void {
    this.child?.disconnect();
    this.child = undefined;
  }
}
