import type { Progress } from '../progress.js'

/** Where the commands write: the terminal, or a buffer in tests. */
export interface Output {
  out: (text: string) => void
  err: (text: string) => void
  /** Whether `err` is a terminal, where progress can be redrawn in place. */
  readonly interactive?: boolean
}

export const terminal: Output = {
  out: (text) => { process.stdout.write(text) },
  err: (text) => { process.stderr.write(text) },
  interactive: process.stderr.isTTY
}

/**
 * Progress of long operations, redrawn on one line of a terminal at most ten times a second (and
 * at each end); nothing at all elsewhere, so that piped output stays clean.
 */
export function progressOn (output: Output): Progress {
  if (output.interactive !== true) return () => {}
  let drawnAt = 0
  return (label, done, total) => {
    const now = Date.now()
    if (done < total && now - drawnAt < 100) return
    drawnAt = now
    output.err(`\r${label} ${done}/${total} (${Math.floor(done * 100 / total)}%)${done === total ? '\n' : ''}`)
  }
}
