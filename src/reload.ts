import { watch, type FSWatcher } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.js'
import type { MetaRegistry } from './meta/registry.js'
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
  await syncAllowingOthers(site, next)
  site.registry.replaceWith(next)
  site.permissions.reset()
  return next.all().length
}

function isBusy (error: unknown): boolean {
  return typeof error === 'object' && error !== null && String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')
}

/**
 * Syncs the tables; every process watching the same files does so at the same moment, and the
 * one that finds the database changed under it tries again, finding the work done.
 */
async function syncAllowingOthers (site: SiteServices, next: MetaRegistry): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await syncDocTypeTables(site.db, next)
      return
    } catch (error) {
      if (!isBusy(error) || attempt === 5) throw error
      await sleep(50 * attempt)
    }
  }
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
    watch(dir, { recursive: true }, (_event, file) => {
      if (file !== null && !file.endsWith('.json')) return
      clearTimeout(timer)
      timer = setTimeout(reload, settleMs)
    }))
  return () => {
    clearTimeout(timer)
    for (const watcher of watchers) watcher.close()
  }
}
