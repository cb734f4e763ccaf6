import type { Config } from '../config.js'
import { openSite, type Site } from '../startup.js'
import { progressOn, type Output } from './output.js'

/** Runs a command against the configured database, closing it afterwards. */
export async function withSite<T> (config: Config, output: Output, action: (site: Site) => Promise<T>): Promise<T> {
  const site = await openSite(config, progressOn(output))
  try {
    if (site.administrator.generatedPassword !== undefined) {
      output.err(`Administrator's password (shown once): ${site.administrator.generatedPassword}\n`)
    }
    return await action(site)
  } finally {
    await site.db.destroy()
  }
}

/** A comma-separated option as its items. */
export function splitList (text: string | undefined): string[] {
  return (text ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '')
}
