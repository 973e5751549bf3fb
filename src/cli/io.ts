/** Where a CLI command writes, so tests can run commands in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  /** Asks one question on the terminal and returns the answered line; only where both ends are a terminal. */
  ask?(question: string): Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTTY: boolean;
}

/** Exit codes: Nagios levels for status, sysexits for usage and config errors. */
export const EXIT = {
  ok: 0,
  warn: 1,
  crit: 2,
  unknown: 3,
  usage: 64,
  dataErr: 65,
  software: 70,
  /** Something could not be done now and is kept to retry (a notification not sent). */
  tempFail: 75,
  config: 78,
} as const;

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    async ask(question: string) {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY && process.stdin.isTTY),
  };
}

/** An io that records output, for tests. */
export function memoryIo(stdin = '', env: Record<string, string | undefined> = {}): CliIo & {
  stdout: string;
  stderr: string;
} {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t.endsWith('\n') ? t : `${t}\n`;
    },
    err(t: string) {
      io.stderr += t.endsWith('\n') ? t : `${t}\n`;
    },
    readStdin: async () => stdin,
    env,
    isTTY: false,
  };
  return io;
}
