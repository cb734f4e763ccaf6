import t from 'tap'
import { ShortLivedCache } from '../../src/services/auth/short-lived-cache.js'
import { guestUser } from '../../src/services/users.js'

t.test('entries live for maxAgeMs and never past the key\'s own expiry', async (t) => {
  const cache = new ShortLivedCache<{ user: typeof guestUser, expiresAt: number | null }>(1000, 2)
  cache.set('a', { user: guestUser, expiresAt: null }, 0)
  t.ok(cache.get('a', 999))
  t.equal(cache.get('a', 1000), undefined, 'gone at the bound')
  cache.set('b', { user: guestUser, expiresAt: 500 }, 0)
  t.equal(cache.get('b', 500), undefined, 'gone when the key expires')
  cache.set('c', { user: guestUser, expiresAt: null }, 0)
  cache.set('d', { user: guestUser, expiresAt: null }, 0)
  cache.set('e', { user: guestUser, expiresAt: null }, 0)
  t.ok(cache.get('e', 1), 'full: starts over rather than grow')
})
