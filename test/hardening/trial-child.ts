/**
 * A child process that runs tsops command lines in-process for {@link TrialRunner}, one per IPC
 * message, and answers each with its exit code and output. The parent enforces a timeout per
 * trial, so a hang (even a busy loop) is caught and reported instead of stalling the suite.
 */
import { runInProcess } from '../helpers/run.js';

export interface TrialRequest {
  id: number;
  argv: string[];
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface TrialReply {
  id: number;
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Set by the runner; the test runner also loads this file (it lives under test/) and must not wait. */
export const TRIAL_CHILD_ENV = 'TSOPS_TRIAL_CHILD';

async function answer(message: TrialRequest): Promise<void> {
  const started = Date.now();
  let reply: TrialReply;
  try {
    const r = await runInProcess(message.argv, { cwd: message.cwd, env: message.env });
    reply = { id: message.id, code: r.code, stdout: r.stdout.toString('utf8'), stderr: r.stderr, ms: Date.now() - started };
  } catch (e) {
    // main() maps every error to an exit code; getting here is itself a finding
    reply = { id: message.id, code: -2, stdout: '', stderr: `escaped main(): ${String(e)}`, ms: Date.now() - started };
  }
  process.send!(reply);
}

if (process.env[TRIAL_CHILD_ENV] === '1') process.on('message', (message: TrialRequest) => void answer(message));
