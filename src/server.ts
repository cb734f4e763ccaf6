import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import type { Config } from './config.js'
import { watchDocTypes } from './reload.js'
import { openSite } from './startup.js'

/** The only place that listens: open the site, build the app, serve until a signal. */
export async function serve (config: Config): Promise<void> {
  const site = await openSite(config)
  const app = await buildApp({ config, site })
  if (site.administrator.generatedPassword !== undefined) {
    process.stdout.write(`\nAdministrator's password (shown once, set ADMIN_PASSWORD to choose it): ${site.administrator.generatedPassword}\n\n`)
  }
  if (site.demoRecords > 0) app.log.info({ records: site.demoRecords }, 'demo data loaded into the new database')
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    await app.close()
    throw error
  }

  // Only a server that listens watches its DocTypes and waits for a signal to stop.
  const stopWatching = config.doctypesWatch ? watchDocTypes(site, config, app.log) : () => {}
  closeWithGrace({ delay: config.shutdownTimeoutMs }, async ({ signal, err }) => {
    if (err !== undefined) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    stopWatching()
    await app.close()
  })
}
