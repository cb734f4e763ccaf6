import { watch, type FSWatcher } from 'node:fs'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.js'
import { syncDocTypeTables } from './db/doctype-tables.js'
import { shippedDocTypesDir } from './paths.js'
import type { SiteServices } from './services/context.js'
import { loadSiteDocTypes } from './startup.js'

/**
 * Loads the DocType definitions into a running site: all are checked first (any problem leaves
 * the DocTypes in force as they are), their tables are brought in line, then they replace the old
 * ones at once. Answers how many there are.
 */
export async function reloadDocTypes (site: SiteServices, config: Config): Promise<number> {
  const next = loadSiteDocTypes(config)
  await syncDocTypeTables(site.db, next)
  site.registry.replaceWith(next)
  site.permissions.reset()
  return next.all().length
}

/**
 * Reloads the DocTypes a moment after their files change, so that a definition edited, added or
 * removed is served (and described in the OpenAPI document) without a restart. Answers a function
 * that stops watching.
 */
export function watchDocTypes (site: SiteServices, config: Config, log: FastifyBaseLogger, settleMs = 250): () => void {
  let timer: NodeJS.Timeout | undefined
  let running = Promise.resolve()
  const reload = (): void => {
    running = running.then(async () => {
      const count = await reloadDocTypes(site, config)
      log.info({ doctypes: count }, 'DocTypes reloaded')
    }).catch((error: unknown) => {
      log.error({ err: error }, 'the DocTypes were not reloaded: the ones in force stay')
    })
  }
  const watchers: FSWatcher[] = [shippedDocTypesDir, ...config.doctypesDirs].map((dir) =>
    watch(dir, { recursive: true }, () => {
      clearTimeout(timer)
      timer = setTimeout(reload, settleMs)
    }))
  return () => {
    clearTimeout(timer)
    for (const watcher of watchers) watcher.close()
  }
}
