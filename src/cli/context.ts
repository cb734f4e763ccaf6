import type { Config } from '../config.js'
import type { Output } from './output.js'

/** What every command gets: the configuration, read when it runs, and where to write. */
export interface CliContext {
  readonly config: () => Config
  readonly output: Output
}
