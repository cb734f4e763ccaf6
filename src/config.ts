import { delimiter } from 'node:path'
import { envSchema } from 'env-schema'

/** The server's settings, read and validated once from the environment. */
export interface Config {
  readonly port: number
  readonly host: string
  /** A SQLite file path, or `:memory:`. */
  readonly databaseUrl: string
  /** Extra folder trees of DocType definitions (separated like PATH), loaded after the shipped doctypes/. */
  readonly doctypesDirs: readonly string[]
  /** Load the DocType folders again when their files change, without a restart. */
  readonly doctypesWatch: boolean
  readonly logLevel: string
  readonly bodyLimit: number
  readonly seedDemoData: boolean
  readonly adminPassword: string | undefined
  readonly adminApiKey: string | undefined
  readonly adminApiSecret: string | undefined
  /** How long a login session may stay unused, in milliseconds. */
  readonly sessionIdleMs: number
  /** Consecutive failures before a user or client address is locked out; 0 turns it off. */
  readonly loginAttempts: number
  readonly loginLockMs: number
  /**
   * Which proxies in front are believed about the client address and https (X-Forwarded-For,
   * X-Forwarded-Proto): none, all, the nearest N hops, or these addresses and subnets.
   */
  readonly trustProxy: boolean | number | readonly string[]
  /** Frappe's allow_cors: the origins whose browsers may call the API ('*' for any); none by default. */
  readonly allowCors: '*' | readonly string[]
  /** Requests per client (API key, user or address) per window; 0 turns the limit off. */
  readonly rateLimit: number
  readonly rateLimitWindowMs: number
  /** How long a shutdown waits for requests in flight. */
  readonly shutdownTimeoutMs: number
  /** JSON lines, or readable lines; `auto` is readable in a terminal only. */
  readonly logFormat: 'auto' | 'json' | 'pretty'
}

interface Environment {
  PORT: number
  HOST: string
  DATABASE_URL: string
  DOCTYPES_DIR: string
  DOCTYPES_WATCH: boolean
  LOG_LEVEL: string
  BODY_LIMIT: number
  SEED_DEMO_DATA: boolean
  ADMIN_PASSWORD?: string
  ADMIN_API_KEY?: string
  ADMIN_API_SECRET?: string
  SESSION_EXPIRY: string
  LOGIN_ATTEMPTS: number
  LOGIN_LOCK_SECONDS: number
  TRUST_PROXY: string
  ALLOW_CORS: string
  RATE_LIMIT: number
  RATE_LIMIT_WINDOW_SECONDS: number
  SHUTDOWN_TIMEOUT_SECONDS: number
  LOG_FORMAT: 'auto' | 'json' | 'pretty'
}

const schema = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 8000 },
    HOST: { type: 'string', minLength: 1, default: '127.0.0.1' },
    DATABASE_URL: { type: 'string', minLength: 1, default: './data/doctype-server.db' },
    DOCTYPES_DIR: { type: 'string', default: '' },
    DOCTYPES_WATCH: { type: 'boolean', default: true },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    BODY_LIMIT: { type: 'integer', minimum: 1024, default: 25 * 1024 * 1024 },
    SEED_DEMO_DATA: { type: 'boolean', default: true },
    ADMIN_PASSWORD: { type: 'string', minLength: 8 },
    ADMIN_API_KEY: { type: 'string', pattern: '^[^:\\s]{6,}$' },
    ADMIN_API_SECRET: { type: 'string', pattern: '^[^:\\s]{12,}$' },
    SESSION_EXPIRY: { type: 'string', pattern: '^\\d+:[0-5]\\d(:[0-5]\\d)?$', default: '170:00' },
    LOGIN_ATTEMPTS: { type: 'integer', minimum: 0, default: 10 },
    LOGIN_LOCK_SECONDS: { type: 'integer', minimum: 1, default: 60 },
    TRUST_PROXY: { type: 'string', pattern: '^(true|false|\\d+|[0-9a-fA-F.:/]+(\\s*,\\s*[0-9a-fA-F.:/]+)*)$', default: 'false' },
    ALLOW_CORS: { type: 'string', pattern: '^(\\*|[^\\s,]+(\\s*,\\s*[^\\s,]+)*)?$', default: '' },
    RATE_LIMIT: { type: 'integer', minimum: 0, default: 0 },
    RATE_LIMIT_WINDOW_SECONDS: { type: 'integer', minimum: 1, default: 60 },
    SHUTDOWN_TIMEOUT_SECONDS: { type: 'integer', minimum: 1, default: 10 },
    LOG_FORMAT: { type: 'string', enum: ['auto', 'json', 'pretty'], default: 'auto' }
  },
  dependencies: {
    ADMIN_API_KEY: ['ADMIN_API_SECRET'],
    ADMIN_API_SECRET: ['ADMIN_API_KEY']
  }
} as const

/** Every variable the server reads. */
export const configVariables: readonly string[] = Object.keys(schema.properties)

/** Only the variables this server reads are validated: the rest of the environment is not ours. */
function ownVariables (env: NodeJS.ProcessEnv): Record<string, string> {
  const own: Record<string, string> = {}
  for (const key of Object.keys(schema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') own[key] = value
  }
  return own
}

/** Frappe's `HH:MM(:SS)` session expiry, such as its default 170:00, in milliseconds. */
function durationMs (text: string): number {
  const [hours = 0, minutes = 0, seconds = 0] = text.split(':').map(Number)
  return ((hours * 60 + minutes) * 60 + seconds) * 1000
}

/** An origin as browsers send it: scheme, host and port, in lower case, without a path. */
function originOf (text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new Error(`ALLOW_CORS must list origins such as https://app.example.com (scheme, host and port), not ${text}`)
  }
  return url.origin
}

function proxyTrust (text: string): Config['trustProxy'] {
  if (text === 'true' || text === 'false') return text === 'true'
  if (/^\d+$/.test(text)) return Number(text)
  return Object.freeze(text.split(',').map((address) => address.trim()))
}

/** Reads the configuration; throws an Error naming each bad variable. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema<Environment>({ schema: structuredClone(schema), data: ownVariables(env), env: false })
  return Object.freeze({
    port: parsed.PORT,
    host: parsed.HOST,
    databaseUrl: parsed.DATABASE_URL,
    doctypesDirs: Object.freeze(parsed.DOCTYPES_DIR.split(delimiter).map((dir) => dir.trim()).filter((dir) => dir !== '')),
    doctypesWatch: parsed.DOCTYPES_WATCH,
    logLevel: parsed.LOG_LEVEL,
    bodyLimit: parsed.BODY_LIMIT,
    seedDemoData: parsed.SEED_DEMO_DATA,
    adminPassword: parsed.ADMIN_PASSWORD,
    adminApiKey: parsed.ADMIN_API_KEY,
    adminApiSecret: parsed.ADMIN_API_SECRET,
    sessionIdleMs: durationMs(parsed.SESSION_EXPIRY),
    loginAttempts: parsed.LOGIN_ATTEMPTS,
    loginLockMs: parsed.LOGIN_LOCK_SECONDS * 1000,
    trustProxy: proxyTrust(parsed.TRUST_PROXY),
    allowCors: parsed.ALLOW_CORS === '*' ? '*' : Object.freeze(parsed.ALLOW_CORS.split(',').map((origin) => origin.trim()).filter((origin) => origin !== '').map(originOf)),
    rateLimit: parsed.RATE_LIMIT,
    rateLimitWindowMs: parsed.RATE_LIMIT_WINDOW_SECONDS * 1000,
    shutdownTimeoutMs: parsed.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    logFormat: parsed.LOG_FORMAT
  })
}
