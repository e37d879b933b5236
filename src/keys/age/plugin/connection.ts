/**
 * One running plugin (`age-plugin-<name> --age-plugin=<state machine>`): stanzas written to its
 * stdin, read from its stdout; its stderr goes to tsops' stderr as the plugin wrote it. Reads
 * are bounded in time while no person is being asked something, so a plugin that hangs ends
 * with an error instead of a stuck run.
 */
import * as os from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { TsopsError } from '../../../errors.js';
import type { Io } from '../../../io/types.js';
import { ProtocolError, StanzaParser, encodeWireStanza } from './wire.js';
import type { WireStanza } from './wire.js';
import { pluginBinary } from './names.js';

/** How long a plugin may stay silent, in seconds, unless `TSOPS_AGE_PLUGIN_TIMEOUT` says otherwise. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** The silence bound: `TSOPS_AGE_PLUGIN_TIMEOUT` seconds (a positive number), else the default. */
export function pluginTimeoutMs(env: Readonly<Record<string, string | undefined>>): number {
  const v = Number(env['TSOPS_AGE_PLUGIN_TIMEOUT']);
  return (Number.isFinite(v) && v > 0 ? v : DEFAULT_TIMEOUT_SECONDS) * 1000;
}

/** Keep only printable text of what a plugin says, so it cannot drive the terminal. */
export function printable(text: string, max = 500): string {
  const clean = text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '').replace(/\n+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** What starting a plugin needs of a run's Io: its environment (PATH, the timeout) and a process. */
export type PluginProcessIo = Pick<Io, 'env' | 'startProcess'>;

let queue: Promise<unknown> = Promise.resolve();

/**
 * Run `fn` with the plugin started, one plugin at a time: plugins may ask the person at the
 * terminal, and two asking at once would mix their prompts.
 */
export function withPlugin<T>(name: string, stateMachine: string, io: PluginProcessIo, fn: (conn: PluginConnection) => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const conn = PluginConnection.start(name, stateMachine, io);
    try {
      return await fn(conn);
    } finally {
      await conn.close();
    }
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

export class PluginConnection {
  readonly binary: string;
  readonly #child: ChildProcess;
  readonly #parser = new StanzaParser();
  readonly #ready: WireStanza[] = [];
  readonly #timeoutMs: number;
  #waiter: { resolve: (s: WireStanza) => void; reject: (e: Error) => void } | undefined;
  #failure: Error | undefined;
  #timer: NodeJS.Timeout | undefined;
  #exited: Promise<void>;
  #finished = false;

  private constructor(name: string, stateMachine: string, io: PluginProcessIo) {
    this.binary = pluginBinary(name);
    this.#timeoutMs = pluginTimeoutMs(io.env);
    // as age does: plugins must not depend on the working directory
    this.#child = io.startProcess(this.binary, [`--age-plugin=${stateMachine}`], { cwd: os.tmpdir(), env: io.env });
    this.#exited = new Promise((resolve) => {
      this.#child.on('close', (code, signal) => {
        if (!this.#finished) {
          const how = code !== null ? `exit status ${code}` : `signal ${signal ?? 'unknown'}`;
          this.#fail(this.#error(`${this.binary} exited (${how}) before finishing the plugin protocol`, 'the plugin crashed or refused the request; see its messages above'));
        }
        resolve();
      });
    });
    this.#child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') {
        this.#fail(
          this.#error(`${this.binary}: executable file not found in $PATH`, `install the ${this.binary} plugin, or put it on PATH`),
        );
      } else {
        this.#fail(this.#error(`couldn't start ${this.binary}: ${e.code ?? e.message}`));
      }
    });
    this.#child.stdin?.on('error', () => {
      // a plugin that exits early closes its input; the exit is what gets reported
    });
    this.#child.stdout?.on('data', (chunk: Buffer) => {
      let stanzas: WireStanza[];
      try {
        stanzas = this.#parser.feed(chunk);
      } catch (e) {
        const what = e instanceof ProtocolError ? e.message : 'unreadable output';
        this.#fail(this.protocolError(`it sent ${what}`));
        return;
      }
      for (const s of stanzas) this.#deliver(s);
    });
    this.#armTimer();
  }

  static start(name: string, stateMachine: string, io: PluginProcessIo): PluginConnection {
    return new PluginConnection(name, stateMachine, io);
  }

  #error(message: string, hint?: string): TsopsError {
    return new TsopsError('NO_IDENTITY', message, hint === undefined ? {} : { hint });
  }

  /** An error for a plugin that does not follow the protocol. */
  protocolError(what: string): TsopsError {
    return this.#error(`${this.binary} spoke the age plugin protocol wrongly: ${what}`, 'update the plugin, or report it to its authors');
  }

  #deliver(s: WireStanza): void {
    this.#armTimer();
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = undefined;
      w.resolve(s);
    } else {
      this.#ready.push(s);
    }
  }

  #fail(e: Error): void {
    if (this.#failure) return;
    this.#failure = e;
    this.#stopTimer();
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = undefined;
      w.reject(e);
    }
    this.#kill('SIGKILL');
  }

  #armTimer(): void {
    this.#stopTimer();
    if (this.#finished || this.#failure) return;
    this.#timer = setTimeout(() => {
      const secs = Math.round(this.#timeoutMs / 100) / 10;
      this.#fail(
        this.#error(
          `${this.binary} did not answer within ${secs} seconds`,
          'the plugin may be waiting for a device; set TSOPS_AGE_PLUGIN_TIMEOUT (seconds) to wait longer',
        ),
      );
    }, this.#timeoutMs);
  }

  #stopTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** While a person is being asked something, the plugin is not the one keeping us waiting. */
  pauseTimer(): void {
    this.#stopTimer();
  }

  resumeTimer(): void {
    this.#armTimer();
  }

  send(type: string, args: readonly string[] = [], body?: Uint8Array): void {
    if (this.#failure) throw this.#failure;
    this.#child.stdin?.write(encodeWireStanza(type, args, body));
  }

  /** The next stanza from the plugin; rejects when it failed, exited, hung or spoke wrongly. */
  read(): Promise<WireStanza> {
    const s = this.#ready.shift();
    if (s) return Promise.resolve(s);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #kill(signal: NodeJS.Signals): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null && this.#child.pid !== undefined) {
      this.#child.kill(signal);
    }
  }

  /** End the session: close its input, interrupt it as age does, and wait (briefly) for it to exit. */
  async close(): Promise<void> {
    this.#finished = true;
    this.#stopTimer();
    this.#child.stdin?.end();
    if (this.#child.pid === undefined) return;
    this.#kill('SIGINT');
    const grace = setTimeout(() => this.#kill('SIGKILL'), 2000);
    await this.#exited;
    clearTimeout(grace);
  }
}
