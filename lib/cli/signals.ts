// Ctrl-C and SIGTERM during a long command: the first asks the work to stop (it removes its
// unfinished files and rejects), and the command exits with 128 + the signal's number; a second
// one exits at once, leaving only the work's temporary files behind.
import type { ErrorStream } from './progress';

/** The signals a long command stops on, with their numbers (the exit code is 128 + the number). */
export const STOP_SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;
type Handled = keyof typeof STOP_SIGNALS;

/** Runs `work` with a signal that the first SIGINT or SIGTERM aborts; resolves to null when it did. */
export async function interruptible<T>(stderr: ErrorStream, work: (signal: AbortSignal) => Promise<T>, beforeNotice: () => void = () => {}): Promise<T | null> {
  const controller = new AbortController();
  let received: Handled | null = null;
  const handlers = Object.keys(STOP_SIGNALS).map((name) => {
    const handler = () => {
      const signal = name as Handled;
      if (received) {
        stderr.write(`vanilla-rnn: ${signal} again: exiting now; unfinished files keep their .partial names\n`);
        process.exit(128 + STOP_SIGNALS[signal]);
      }
      received = signal;
      beforeNotice();
      stderr.write(`vanilla-rnn: ${signal}: stopping after the part in progress (again to exit at once)\n`);
      controller.abort(new Error(`interrupted by ${signal}`));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  try {
    return await work(controller.signal);
  } catch (error) {
    if (!received) throw error;
    stderr.write(`vanilla-rnn: interrupted by ${received}\n`);
    process.exitCode = 128 + STOP_SIGNALS[received as Handled];
    return null;
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}
