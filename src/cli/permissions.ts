import type { Command } from 'commander'
import { inTransaction } from '../db/transactions.js'
import { rights, type Right } from '../meta/definition.js'
import type { RuleKey } from '../services/custom-docperms.js'
import { addRule, permissionRows, removeRule, resetRules, updateRule, type PermissionRow } from '../services/permission-manager.js'
import { asAdministrator } from '../services/user-admin.js'
import type { CliContext } from './context.js'
import { splitList, withSite } from './site.js'

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

export function permissionCommands (program: Command, { config, output }: CliContext): void {
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
}
