import { existsSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { loadConfig, type Config } from './config.js'
import { FrappeError } from './errors.js'
import { DocTypeDefinitionError } from './meta/loader.js'
import { serve } from './server.js'
import { normalizeDatetime } from './meta/field-values.js'
import { createApiKey, listApiKeys, revokeApiKey } from './services/auth/api-keys.js'
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
        const name = await createUser(site, { email, fullName: options.fullName, roles: splitRoles(options.roles), password: options.password })
        output.out(`Added user ${name}\n`)
      })
    })

  const keys = program.command('keys').description('manage API keys')
  keys.command('create <user>')
    .description('issue an API key and secret for a user; the secret is shown only this once')
    .option('--label <label>', 'what the key is for, such as "ETL job"')
    .option('--expires <date>', 'refuse the key after this date or datetime (server time), such as 2027-01-31')
    .option('--json', 'print {"api_key": ..., "api_secret": ...}')
    .action(async (userName: string, options: { label?: string, expires?: string, json?: boolean }) => {
      await withSite(config(), output, async (site) => {
        const expires = options.expires === undefined ? undefined : normalizeDatetime(options.expires)
        if (options.expires !== undefined && expires === undefined) throw new Error(`--expires takes a date such as 2027-01-31, not ${options.expires}`)
        const issued = await createApiKey(site.db, userName, { label: options.label, expiresAt: expires === undefined ? undefined : new Date(expires.replace(' ', 'T')).getTime() })
        output.out(options.json === true
          ? `${JSON.stringify({ api_key: issued.api_key, api_secret: issued.api_secret })}\n`
          : `api_key:    ${issued.api_key}\napi_secret: ${issued.api_secret}\n\nUse it as:  Authorization: token ${issued.api_key}:${issued.api_secret}\n`)
      })
    })
  keys.command('list <user>')
    .description('list a user\'s API keys (never their secrets)')
    .option('--json', 'print the keys as JSON')
    .action(async (userName: string, options: { json?: boolean }) => {
      await withSite(config(), output, async (site) => {
        const list = await listApiKeys(site.db, userName)
        if (options.json === true) { output.out(`${JSON.stringify(list)}\n`); return }
        for (const key of list) {
          const state = key.revoked === 1 ? 'revoked' : key.expires_at !== null && Date.parse(key.expires_at) <= Date.now() ? 'expired' : 'active'
          output.out(`${key.api_key}  ${state.padEnd(7)}  created ${key.creation.slice(0, 19)}  last used ${key.last_used?.slice(0, 19) ?? 'never'}  expires ${key.expires_at ?? 'never'}  ${key.label ?? ''}\n`)
        }
      })
    })
  keys.command('revoke <api_key>')
    .description('refuse an API key from now on, in every server process')
    .action(async (apiKey: string) => {
      await withSite(config(), output, async (site) => {
        await revokeApiKey(site.db, apiKey)
        output.out(`Revoked ${apiKey}\n`)
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
