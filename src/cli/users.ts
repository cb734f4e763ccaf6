import type { Command } from 'commander'
import { changeUserRoles, createUser, setUserEnabled } from '../services/user-admin.js'
import type { CliContext } from './context.js'
import { splitList, withSite } from './site.js'

export function userCommands (program: Command, { config, output }: CliContext): void {
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
  for (const [name, enabled] of [['disable', false], ['enable', true]] as const) {
    user.command(`${name} <user>`)
      .description(enabled ? 'let a disabled user in again' : 'refuse a user\'s keys, sessions and logins, in every server process within a second')
      .action(async (userName: string) => {
        await withSite(config(), output, async (site) => {
          output.out(`${enabled ? 'Enabled' : 'Disabled'} ${await setUserEnabled(site, userName, enabled)}\n`)
        })
      })
  }
  user.command('roles <user>')
    .description('show a user\'s roles, or change them')
    .option('--add <roles>', 'comma-separated roles to give')
    .option('--remove <roles>', 'comma-separated roles to take away')
    .option('--set <roles>', 'comma-separated: exactly these roles')
    .action(async (userName: string, options: { add?: string, remove?: string, set?: string }) => {
      await withSite(config(), output, async (site) => {
        const roles = await changeUserRoles(site, userName, {
          add: splitList(options.add),
          remove: splitList(options.remove),
          ...(options.set === undefined ? {} : { set: splitList(options.set) })
        })
        output.out(roles.length === 0 ? `${userName} holds no role\n` : `${roles.join('\n')}\n`)
      })
    })
}
