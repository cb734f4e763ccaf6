import { Command } from 'commander'
import { loadConfig, type Config } from './config.js'
import { migrateToLatest } from './db/migrator.js'
import { FrappeError } from './errors.js'
import { DocTypeDefinitionError } from './meta/loader.js'
import { serve } from './server.js'
import { createApiKey } from './services/auth/api-keys.js'
import { createUser } from './services/user-admin.js'
import { openSite, type Site } from './startup.js'

/** Runs a command against the configured database, closing it afterwards. */
async function withSite<T> (config: Config, action: (site: Site) => Promise<T>): Promise<T> {
  const site = await openSite(config)
  try {
    if (site.administrator.generatedPassword !== undefined) {
      process.stderr.write(`Administrator's password (shown once): ${site.administrator.generatedPassword}\n`)
    }
    return await action(site)
  } finally {
    await site.db.destroy()
  }
}

function splitRoles (text: string | undefined): string[] {
  return (text ?? '').split(',').map((role) => role.trim()).filter((role) => role !== '')
}

export function buildCli (config: () => Config): Command {
  const program = new Command('doctype-server')
    .description('A server that speaks the Frappe REST API, driven by DocType JSON definitions')
    .showHelpAfterError()

  program.command('serve', { isDefault: true })
    .description('serve the API (configured by PORT, HOST, DATABASE_URL, DOCTYPES_DIR, ...)')
    .action(async () => { await serve(config()) })

  program.command('migrate')
    .description('apply pending migrations and bring DocType tables in line with their definitions')
    .action(async () => {
      await withSite(config(), async (site) => {
        const result = await migrateToLatest(site.db)
        process.stdout.write(`Database is up to date (${site.registry.all().length} DocTypes, ${result.results?.length ?? 0} migrations applied now)\n`)
      })
    })

  const user = program.command('user').description('manage users')
  user.command('add <email>')
    .description('add an enabled System User')
    .option('--full-name <name>', 'the user\'s full name')
    .option('--roles <roles>', 'comma-separated roles, such as "Sales User,Sales Manager"')
    .option('--password <password>', 'a login password (stored only as a hash)')
    .action(async (email: string, options: { fullName?: string, roles?: string, password?: string }) => {
      await withSite(config(), async (site) => {
        const name = await createUser(site.db, site.registry, { email, fullName: options.fullName, roles: splitRoles(options.roles), password: options.password })
        process.stdout.write(`Added user ${name}\n`)
      })
    })

  const keys = program.command('keys').description('manage API keys')
  keys.command('create <user>')
    .description('issue an API key and secret for a user; the secret is shown only this once')
    .option('--json', 'print {"api_key": ..., "api_secret": ...}')
    .action(async (userName: string, options: { json?: boolean }) => {
      await withSite(config(), async (site) => {
        const issued = await createApiKey(site.db, userName)
        process.stdout.write(options.json === true
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

try {
  await buildCli(() => loadConfig()).parseAsync(process.argv)
} catch (error) {
  process.stderr.write(`doctype-server: ${describe(error)}\n`)
  process.exitCode = 1
}
