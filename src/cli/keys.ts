import type { Command } from 'commander'
import { normalizeDatetime } from '../meta/field-values.js'
import { createApiKey, listApiKeys, revokeApiKey } from '../services/auth/api-keys.js'
import type { CliContext } from './context.js'
import { withSite } from './site.js'

export function keyCommands (program: Command, { config, output }: CliContext): void {
  const keys = program.command('keys').description('manage API keys')
  keys.command('create <user>')
    .description('issue an API key and secret for a user; the secret is shown only this once')
    .option('--label <label>', 'what the key is for, such as "ETL job"')
    .option('--expires <date>', 'refuse the key after this date or datetime (server time), such as 2027-01-31')
    .option('--json', 'print {"api_key": ..., "api_secret": ...}')
    .action(async (userName: string, options: { label?: string, expires?: string, json?: boolean }) => {
      const expires = options.expires === undefined ? undefined : normalizeDatetime(options.expires)
      if (options.expires !== undefined && expires === undefined) throw new Error(`--expires takes a date such as 2027-01-31, not ${options.expires}`)
      await withSite(config(), output, async (site) => {
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
}
