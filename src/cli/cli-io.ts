/** Where the CLI writes: lines to standard output and to standard error. */
export interface CliIo {
  /** Writes `text` to standard output (a line feed is added). */
  out(text: string): void;
  /** Writes `text` to standard error (a line feed is added). */
  err(text: string): void;
}

/** A {@link CliIo} over the process's streams. */
export const processIo: CliIo = Object.freeze({
  out: (text: string) => void process.stdout.write(`${text}\n`),
  err: (text: string) => void process.stderr.write(`${text}\n`),
});
