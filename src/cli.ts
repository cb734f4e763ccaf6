import { existsSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { loadConfig, type Config } from './config.js'
import { FrappeError } from './errors.js'
import { DocTypeDefinitionError } from './meta/loader.js'
import { serve } from './server.js'
import { createApiKey } from './services/auth/api-keys.js'
import { createUser } from './services/user-admin.js'
import { openSite, type Site } from './startup.js'

/** Where the commands write: the terminal, or a buffer in tests. */
export interface Output {
  out: (text: string) => void
  err: (text: string) => void
}

const terminal: Output = {
  out: (text) => { process.stdout.write(text) },
  err: (text) => { process.stderr.write(text) }
}

/** Runs a command against the configured database, closing it afterwards. */
async function withSite<T> (config: Config, output: Output, action: (site: Site) => Promise<T>): Promise<T> {
  const site = await openSite(config)
  try {
    if (site.administrator.generatedPassword !== undefined) {
      output.err(`Administrator's password (shown once): ${site.administrator.generatedPassword}\n`)
    }
    return await action(site)
  } finally {
    await site.db.destroy()
  }
}

function splitRoles (text: string | undefined): string[] {
  return (text ?? '').split(',').map((role) => role.trim()).filter((role) => role !== '')
}

export function buildCli (config: () => Config, output: Output = terminal): Command {
  const program = new Command('doctype-server')
    .description('A server that speaks the Frappe REST API, driven by DocType JSON definitions')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: output.out, writeErr: output.err })

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

  const user = program.command('user').description('manage users')
  user.command('add <email>')
    .description('add an enabled System User')
    .option('--full-name <name>', 'the user\'s full name')
    .option('--roles <roles>', 'comma-separated roles, such as "Sales User,Sales Manager"')
    .option('--password <password>', 'a login password (stored only as a hash)')
    .action(async (email: string, options: { fullName?: string, roles?: string, password?: string }) => {
      await withSite(config(), output, async (site) => {
        const name = await createUser(site.db, site.registry, { email, fullName: options.fullName, roles: splitRoles(options.roles), password: options.password })
        output.out(`Added user ${name}\n`)
      })
    })

  const keys = program.command('keys').description('manage API keys')
  keys.command('create <user>')
    .description('issue an API key and secret for a user; the secret is shown only this once')
    .option('--json', 'print {"api_key": ..., "api_secret": ...}')
    .action(async (userName: string, options: { json?: boolean }) => {
      await withSite(config(), output, async (site) => {
        const issued = await createApiKey(site.db, userName)
        output.out(options.json === true
          ? `${JSON.stringify(issued)}\n`
          : `api_key:    ${issued.api_key}\napi_secret: ${issued.api_secret}\n\nUse it as:  Authorization: token ${issued.api_key}:${issued.api_secret}\n`)
      })
    })

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
