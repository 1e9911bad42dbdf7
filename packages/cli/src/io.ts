import type { Writable } from 'node:stream';

/** Where a command writes: the process streams from the bin, buffers in tests. */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly cwd: string;
  /** Installs signal handlers; the bin passes process.once, tests may pass a stub. */
  readonly onSignal: (signal: NodeJS.Signals, handler: () => void) => () => void;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    onSignal(signal, handler) {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
  };
}

/**
 * Writes and waits for the stream to drain when its buffer is full, so output never
 * piles up in memory. A stream that already failed (EPIPE: the reader of `| head` is
 * gone) throws its error here, so the command unwinds through its cleanup (temporary
 * folders, sort runs) rather than waiting for a drain that never comes.
 */
export async function writeChunk(stream: Writable, chunk: string | Uint8Array): Promise<void> {
  if (stream.errored !== null) throw stream.errored;
  if (!stream.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        stream.off('error', onError);
        resolve();
      };
      const onError = (err: Error): void => {
        stream.off('drain', onDrain);
        reject(err);
      };
      stream.once('drain', onDrain);
      stream.once('error', onError);
    });
  }
}
