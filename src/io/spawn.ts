/** Running a program: captured or on the terminal, bounded in time and output when asked. */
// child_process (and the net/dgram modules behind it) is on the bundle's deferred list: it loads
// only when a command runs a program.
import { spawn } from 'node:child_process';
import * as os from 'node:os';
import type { ChildProcess } from 'node:child_process';
import type { RunOptions, RunResult, StartOptions } from './types.js';

const defined = (env: Readonly<Record<string, string | undefined>>): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;

/** The Node Io's startProcess: stdin and stdout piped, stderr inherited. */
export function startProcess(cmd: string, args: readonly string[], options: StartOptions): ChildProcess {
  return spawn(cmd, [...args], { cwd: options.cwd, env: defined(options.env), stdio: ['pipe', 'pipe', 'inherit'] });
}

export function runProcess(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = options.shell ? ['/bin/sh', '-c', argv.join(' ')] : argv;
    if (cmd === undefined) {
      reject(new Error('empty command'));
      return;
    }
    const env = options.env ?? process.env;
    const child = spawn(cmd, args, {
      env: defined(env),
      stdio: options.inherit ? 'inherit' : ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let stopped: 'timedOut' | 'outputTooLarge' | undefined;
    const max = options.maxOutputBytes ?? Infinity;
    // Past a limit the program is killed and its pipes closed, and the result does not wait for
    // the pipes to end: a program it started may still hold them open.
    const stop = (why: 'timedOut' | 'outputTooLarge') => {
      if (stopped !== undefined) return;
      stopped = why;
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      else finish(child.exitCode, child.signalCode);
    };
    child.stdout?.on('data', (c: Buffer) => {
      outBytes += c.length;
      if (outBytes > max) stop('outputTooLarge');
      else out.push(c);
    });
    child.stderr?.on('data', (c: Buffer) => {
      errBytes += c.length;
      if (errBytes > max) stop('outputTooLarge');
      else err.push(c);
    });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop('timedOut'), options.timeoutMs);
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 + (osSignalNumber(signal) ?? 0) : 1),
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        ...(stopped === undefined ? {} : { [stopped]: true }),
      });
    };
    child.on('error', (e) => {
      if (timer !== undefined) clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      if (stopped !== undefined) finish(code, signal);
    });
    if (options.onSpawn && child.pid !== undefined) {
      options.onSpawn({
        kill: (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
      });
    }
    child.on('close', finish);
    if (child.stdin) {
      child.stdin.on('error', () => {
        // the child may exit without reading its input
      });
      child.stdin.end(options.input ?? new Uint8Array());
    }
  });
}

function osSignalNumber(signal: NodeJS.Signals): number | undefined {
  return os.constants.signals[signal];
}
