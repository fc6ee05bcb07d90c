// Records every console line and stdout/stderr write of a test worker into a file of the run's
// log directory, so the global teardown can scan all of them for secrets and row values.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';

const dir = process.env.ORG_DATA_LOG_SCAN_DIR;
if (dir) {
  const file = join(dir, `worker-${process.pid}.log`);
  const record = (text: string) => appendFileSync(file, `${text}\n`);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      record(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 5 }))).join(' '));
      original(...args);
    };
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      record(String(chunk));
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
