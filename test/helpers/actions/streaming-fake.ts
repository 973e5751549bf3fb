/**
 * A host whose one command prints lines over time and runs until cancelled,
 * for cancel-mid-stream tests of the executor. The real end of a remote
 * process is proven against LocalRunner and the lab's SSH hosts.
 */
import type { Command } from '../../../src/transport/command.js';
import { TransportError } from '../../../src/transport/errors.js';
import type { RunOptions, RunResult, Runner, StreamOptions } from '../../../src/transport/runner.js';

export class StreamingFake implements Runner {
  readonly calls: Command[] = [];
  cancelled = false;

  constructor(
    readonly host: string,
    private readonly lines: readonly string[],
    private readonly onLine?: (n: number) => void,
  ) {}

  run(cmd: Command, opts: RunOptions = {}): Promise<RunResult> {
    return this.stream(cmd, opts);
  }

  stream(cmd: Command, opts: StreamOptions): Promise<RunResult> {
    this.calls.push(cmd);
    return new Promise((resolve, reject) => {
      let i = 0;
      const timer = setInterval(() => {
        if (i < this.lines.length) {
          opts.onStdout?.(this.lines[i]!);
          this.onLine?.(++i);
        }
      }, 2);
      const abort = () => {
        clearInterval(timer);
        this.cancelled = true;
        reject(new TransportError('cancelled', { host: this.host }));
      };
      if (opts.signal?.aborted) abort();
      else opts.signal?.addEventListener('abort', abort, { once: true });
      void resolve;
    });
  }

  async close(): Promise<void> {}
}
