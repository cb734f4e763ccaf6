import { createHash, randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto'

/**
 * API secrets are long random strings, so one SHA-256 is enough to store them safely and cheap
 * enough to check on every request. Passwords are chosen by people: they get scrypt.
 */
export function hashSecret (secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

export function secretMatches (secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'hex')
  const expected = Buffer.from(storedHash, 'hex')
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

/** Whether `secret` is the one already verified, in constant time. */
export function sameSecret (secret: string, verified: Buffer): boolean {
  const given = Buffer.from(secret, 'utf8')
  return given.length === verified.length && timingSafeEqual(given, verified)
}

/** A random hex string of `bytes` bytes. */
export function randomHex (bytes: number): string {
  return randomBytes(bytes).toString('hex')
}

const scryptParameters = { N: 16384, r: 8, p: 1, keylen: 64 }

function scryptAsync (password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (error, key) => { if (error === null) resolve(key); else reject(error) })
  })
}

/** `scrypt$N$r$p$salt$hash`, so that the cost can be raised later without losing old hashes. */
export async function hashPassword (password: string): Promise<string> {
  const { N, r, p, keylen } = scryptParameters
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, keylen, { N, r, p })
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$')
}

export async function passwordMatches (password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false
  const expected = Buffer.from(hash, 'base64')
  const key = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(N), r: Number(r), p: Number(p) })
  return timingSafeEqual(key, expected)
}
