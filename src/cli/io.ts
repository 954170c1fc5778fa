/** Where the CLI writes; tests pass their own to capture output. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

/** An error whose message is shown to the user as is (bad input, not a bug). */
export class UserError extends Error {}
