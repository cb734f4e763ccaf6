import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { ServiceUnavailable } from '../errors.js'

/**
 * Probes for container orchestrators, beside Frappe's `ping`: live while the process serves at
 * all; ready while the database answers and no shutdown has begun, so that a load balancer stops
 * sending requests before the process goes.
 */
export async function healthRoutes (app: FastifyInstance): Promise<void> {
  let shuttingDown = false
  app.addHook('preClose', async () => { shuttingDown = true })

  app.get('/live', async () => ({ status: 'ok' }))

  app.get('/ready', async (request) => {
    if (shuttingDown) throw new ServiceUnavailable('The server is shutting down')
    try {
      await sql`select version from permission_version`.execute(app.db)
    } catch (error) {
      request.log.error({ err: error }, 'readiness: the database does not answer')
      throw new ServiceUnavailable('The database does not answer')
    }
    return { status: 'ok', database: 'ok' }
  })
}
