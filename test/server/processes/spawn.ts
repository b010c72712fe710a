import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The service's CLI run from source (`commerce-sync <command> …`). */
export const CLI_FROM_SOURCE = resolve(import.meta.dirname, 'serve.ts');

/** A CLI child process. */
export interface CliProcess {
  name: string;
  /** Resolves with the first match of `ready` in the process's output; rejects if it exits first. */
  ready: Promise<RegExpExecArray>;
  output(): string;
  /** Whether the process has exited. */
  exited(): boolean;
  /** Sends `signal` (default SIGKILL) and waits until the process is gone (reaped). */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `commerce-sync <args>` from source with only `env` (and PATH) set. */
export function startCli(name: string, args: readonly string[], env: Record<string, string>, ready: RegExp): CliProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CLI_FROM_SOURCE, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let gone = false;
  const exit = new Promise<void>((done) =>
    child.once('exit', () => {
      gone = true;
      done();
    }),
  );
  const readyPromise = new Promise<RegExpExecArray>((resolveReady, fail) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolveReady(match);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exit.then(() => fail(new Error(`${name} exited:\n${output}`)));
  });
  readyPromise.catch(() => undefined);
  return {
    name,
    ready: readyPromise,
    output: () => output,
    exited: () => gone,
    async kill(signal = 'SIGKILL') {
      if (gone) return;
      child.kill(signal);
      await exit;
    },
  };
}

/** Polls `probe` every 20 ms until it returns something truthy, or throws after `ms`. */
export async function eventually<T>(what: string, ms: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > until) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
