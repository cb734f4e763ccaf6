import { existsSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { loadConfig, type Config } from './config.js'
import { FrappeError } from './errors.js'
import { DocTypeDefinitionError } from './meta/loader.js'
import { serve } from './server.js'
import { inTransaction } from './db/transactions.js'
import { rights, type Right } from './meta/definition.js'
import { normalizeDatetime } from './meta/field-values.js'
import { createApiKey, listApiKeys, revokeApiKey } from './services/auth/api-keys.js'
import type { RuleKey } from './services/custom-docperms.js'
import { addRule, permissionRows, removeRule, resetRules, updateRule, type PermissionRow } from './services/permission-manager.js'
import { asAdministrator, createUser } from './services/user-admin.js'
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

function splitList (text: string | undefined): string[] {
  return (text ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '')
}

interface RuleOptions { level?: string, ifOwner?: boolean }

function ruleKey (doctype: string, role: string, options: RuleOptions): RuleKey {
  const level = options.level ?? '0'
  if (!/^\d+$/.test(level)) throw new Error(`--level takes a level from 0 to 9, not ${level}`)
  return { doctype, role, permlevel: Number(level), ifOwner: options.ifOwner === true }
}

function rightsOption (text: string): Right[] {
  const named = splitList(text)
  const unknown = named.filter((right) => !rights.some((known) => known === right))
  if (named.length === 0 || unknown.length > 0) throw new Error(`--rights takes a comma-separated list of ${rights.join(', ')}, not ${text}`)
  return rights.filter((right) => named.includes(right))
}

function describeRow (row: PermissionRow): string {
  const granted = rights.filter((right) => row[right] === 1).join(', ')
  return `${row.role.padEnd(24)} level ${row.permlevel}${row.if_owner === 1 ? ' if owner' : ''}  ${granted === '' ? '(nothing)' : granted}\n`
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
        const name = await createUser(site, { email, fullName: options.fullName, roles: splitList(options.roles), password: options.password })
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

  const permissions = program.command('permissions').description('edit DocTypes\' permission rows (kept as Custom DocPerm, in force at once)')
  permissions.command('list <doctype>')
    .description('the permission rows in force for a DocType')
    .option('--json', 'print the rows as JSON')
    .action(async (doctype: string, options: { json?: boolean }) => {
      await withSite(config(), output, async (site) => {
        const rows = await permissionRows(asAdministrator(site), doctype, undefined)
        if (options.json === true) { output.out(`${JSON.stringify(rows)}\n`); return }
        for (const row of rows) output.out(describeRow(row))
      })
    })
  const changeRights = (name: string, description: string, value: boolean): void => {
    permissions.command(`${name} <doctype> <role>`)
      .description(description)
      .option('--level <n>', 'the permlevel of the fields the row governs', '0')
      .option('--if-owner', 'the row that applies only to documents the user created')
      .requiredOption('--rights <rights>', `comma-separated, of ${rights.join(', ')}`)
      .action(async (doctype: string, role: string, options: RuleOptions & { rights: string }) => {
        const key = ruleKey(doctype, role, options)
        const changed = rightsOption(options.rights)
        await withSite(config(), output, async (site) => {
          const rows = await inTransaction(site.db, async (db) => {
            const ctx = asAdministrator({ ...site, db })
            if (value) await addRule(ctx, key)
            await updateRule(ctx, key, Object.fromEntries(changed.map((right) => [right, value])))
            return await permissionRows(ctx, doctype, role)
          })
          for (const row of rows.filter((r) => r.permlevel === key.permlevel && r.if_owner === (key.ifOwner ? 1 : 0))) output.out(describeRow(row))
        })
      })
  }
  changeRights('add', 'grant a role rights on a DocType, adding its row if need be (the first change copies the shipped rows)', true)
  changeRights('revoke', 'take rights on a DocType from a role\'s row', false)
  permissions.command('remove <doctype> <role>')
    .description('delete a role\'s row on a DocType')
    .option('--level <n>', 'the permlevel of the row', '0')
    .option('--if-owner', 'the row that applies only to the user\'s own documents')
    .action(async (doctype: string, role: string, options: RuleOptions) => {
      await withSite(config(), output, async (site) => {
        await removeRule(asAdministrator(site), ruleKey(doctype, role, options))
        output.out(`Removed ${role}'s row on ${doctype}\n`)
      })
    })
  permissions.command('reset <doctype>')
    .description('delete a DocType\'s custom rows: the rows it shipped with apply again')
    .action(async (doctype: string) => {
      await withSite(config(), output, async (site) => {
        await resetRules(asAdministrator(site), doctype)
        output.out(`${doctype} uses the permission rows it shipped with\n`)
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
