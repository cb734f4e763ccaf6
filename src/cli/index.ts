import { existsSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { loadConfig, type Config } from '../config.js'
import { FrappeError } from '../errors.js'
import { DocTypeDefinitionError } from '../meta/loader.js'
import { serve } from '../server.js'
import type { CliContext } from './context.js'
import { docTypeCommands } from './doctypes.js'
import { exportCommands } from './export.js'
import { keyCommands } from './keys.js'
import { terminal, type Output } from './output.js'
import { permissionCommands } from './permissions.js'
import { seedCommands } from './seed.js'
import { withSite } from './site.js'
import { userCommands } from './users.js'

export type { Output } from './output.js'

/** The `doctype-server` command and its subcommands, each with --help. */
export function buildCli (config: () => Config, output: Output = terminal): Command {
  const program = new Command('doctype-server')
    .description('A server that speaks the Frappe REST API, driven by DocType JSON definitions')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: output.out, writeErr: output.err })
  const context: CliContext = { config, output }

  program.command('serve')
    .description('serve the API (configured by PORT, HOST, DATABASE_URL, DOCTYPES_DIR, ...)')
    .action(async () => { await serve(config()) })

  program.command('migrate')
    .description('apply pending migrations and bring DocType tables in line with their definitions')
    .action(async () => {
      await withSite(config(), output, async (site) => {
        const applied = site.migrationsApplied.length === 0 ? 'no migration was pending' : `applied ${site.migrationsApplied.join(', ')}`
        output.out(`Database is up to date: ${applied}; ${site.registry.all().length} DocType tables in sync\n`)
      })
    })

  docTypeCommands(program, context)
  userCommands(program, context)
  keyCommands(program, context)
  permissionCommands(program, context)
  exportCommands(program, context)
  seedCommands(program, context)
  return program
}

function describe (error: unknown): string {
  if (error instanceof FrappeError) {
    const text = error.serverMessages.map((m) => m.message).join('\n') || error.message || error.excType
    return text.replace(/<[^>]+>/g, '')
  }
  if (error instanceof DocTypeDefinitionError) return error.message
  return error instanceof Error ? error.message : String(error)
}

/**
 * Runs the command line; the exit code is 0 on success, 1 on any failure. A `.env` file in the
 * working folder fills in variables that the environment does not set.
 */
export async function main (argv: readonly string[], output: Output = terminal): Promise<number> {
  try {
    if (existsSync('.env')) process.loadEnvFile('.env')
    await buildCli(() => loadConfig(), output).parseAsync([...argv])
    return 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    output.err(`doctype-server: ${describe(error)}\n`)
    return 1
  }
}
