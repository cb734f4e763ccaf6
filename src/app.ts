import cookie from '@fastify/cookie'
import sensible from '@fastify/sensible'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Config } from './config.js'
import { authenticationPlugin } from './plugins/authentication.js'
import { bodyParsersPlugin } from './plugins/body-parsers.js'
import { corsPlugin } from './plugins/cors.js'
import { databasePlugin } from './plugins/database.js'
import { errorHandlerPlugin, sendError } from './plugins/error-handler.js'
import { redactedPaths, requestSerializer } from './plugins/log-redaction.js'
import { rateLimitPlugin } from './plugins/rate-limit.js'
import { RequestLog, requestId, requestIdPlugin } from './plugins/request-logging.js'
import { securityHeadersPlugin } from './plugins/security-headers.js'
import { methodRoutes } from './routes/api/method.js'
import { resourceRoutes } from './routes/api/resource.js'
import { describeRoutes } from './routes/describe.js'
import { healthRoutes } from './routes/health.js'
import { legacyRoutes } from './routes/legacy.js'
import type { Site } from './startup.js'

/** Fastify's form of the proxy setting; a hop count trusts the nearest hops, as proxy-addr does. */
function proxyTrust (trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust
  return typeof trust === 'boolean' ? trust : [...trust]
}

export interface AppOptions {
  config: Config
  site: Site
  /** Where log lines go instead of standard output (tests read them). */
  logStream?: NodeJS.WritableStream
}

/** Readable log lines in a terminal (or when asked for), JSON lines otherwise. */
function readableLogs (config: Config, logStream: AppOptions['logStream']): boolean {
  if (logStream !== undefined) return false
  return config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY)
}

/** Builds the whole server without listening: plugins, then routes, in this order. */
export async function buildApp ({ config, site, logStream }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: redactedPaths,
      serializers: { req: requestSerializer },
      ...(logStream === undefined ? {} : { stream: logStream }),
      ...(readableLogs(config, logStream) ? { transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' } } } : {})
    },
    requestIdHeader: false,
    genReqId: requestId,
    logController: new RequestLog(),
    // While closing, requests still arriving on open connections are served (readiness says 503).
    return503OnClosing: false,
    trustProxy: proxyTrust(config.trustProxy),
    bodyLimit: config.bodyLimit,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    frameworkErrors: (error, request, reply) => { sendError(error, request, reply).catch((failure: unknown) => { request.log.error({ err: failure }, 'could not send an error') }) }
  })

  await app.register(sensible)
  await app.register(errorHandlerPlugin)
  await app.register(databasePlugin, { site, config })
  await app.register(requestIdPlugin)
  await app.register(securityHeadersPlugin)
  await app.register(corsPlugin)
  await app.register(cookie)
  await app.register(bodyParsersPlugin)
  await app.register(authenticationPlugin)
  await app.register(rateLimitPlugin)

  await app.register(healthRoutes, { prefix: '/api/health' })

  for (const api of ['/api', '/api/v1']) {
    await app.register(resourceRoutes, { prefix: `${api}/resource` })
    await app.register(methodRoutes, { prefix: `${api}/method` })
  }
  await app.register(describeRoutes)
  await app.register(legacyRoutes)

  return app
}
