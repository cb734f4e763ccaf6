import fc from 'fast-check'
import t from 'tap'
import { rights, type DocPermDefinition, type Right } from '../../src/meta/definition.js'
import { compileDocType } from '../../src/meta/doctype-meta.js'
import { accessTo, may, readsField, writesField } from '../../src/services/permissions.js'
import type { RequestUser } from '../../src/services/users.js'

const roles = ['All', 'Sales User', 'Auditor', 'Clerk'] as const

const row = fc.record({
  role: fc.constantFrom(...roles),
  permlevel: fc.constantFrom(0, 0, 1, 2),
  if_owner: fc.constantFrom<0 | 1>(0, 1),
  granted: fc.subarray([...rights])
}).map(({ role, permlevel, if_owner: ifOwner, granted }): DocPermDefinition => ({
  role, permlevel, if_owner: ifOwner, ...Object.fromEntries(granted.map((right) => [right, 1]))
}))

/**
 * The rules, written again from Frappe's description and nothing else: a right is held when a
 * level-0 row of one of the user's roles grants it; an if_owner row grants it on the user's own
 * documents only, create excepted; submit, cancel and amend need a submittable DocType; a field
 * at level N is readable (writable) when a row at level N grants read (write).
 */
function reference (rows: DocPermDefinition[], held: ReadonlySet<string>, submittable: boolean, right: Right, owner: string | undefined): boolean {
  if (!submittable && ['submit', 'cancel', 'amend'].includes(right)) return false
  return rows.some((r) => held.has(r.role) && (r.permlevel ?? 0) === 0 && r[right] === 1 &&
    (r.if_owner !== 1 || right === 'create' || owner === undefined || owner === 'me'))
}

function referenceLevel (rows: DocPermDefinition[], held: ReadonlySet<string>, level: number, right: 'read' | 'write'): boolean {
  return rows.some((r) => held.has(r.role) && (r.permlevel ?? 0) === level && r[right] === 1)
}

t.test('the permission service agrees with an independent model on random rows and roles', async (t) => {
  fc.assert(fc.property(
    fc.array(row, { maxLength: 8 }),
    fc.subarray([...roles]),
    fc.boolean(),
    fc.constantFrom(...rights),
    fc.constantFrom<'me' | 'someone' | undefined>('me', 'someone', undefined),
    (rows, userRoles, submittable, right, owner) => {
      const { meta } = compileDocType({
        doctype: 'DocType',
        name: 'Thing',
        is_submittable: submittable ? 1 : 0,
        fields: [0, 1, 2].map((permlevel) => ({ fieldname: `f${permlevel}`, fieldtype: 'Data', permlevel })),
        permissions: rows
      }, 'property test')
      const held = new Set<string>(userRoles)
      const user: RequestUser = { name: 'me', roles: held, isAdministrator: false, isGuest: false }
      const access = accessTo(user, meta, meta.permissions)
      const doc = owner === undefined ? undefined : { name: 'T-1', owner }
      if (may(access, right, doc) !== reference(rows, held, submittable, right, owner)) return false
      return [0, 1, 2].every((level) => {
        const field = meta.fieldsByName.get(`f${level}`)
        return field !== undefined &&
          readsField(access, field) === referenceLevel(rows, held, level, 'read') &&
          writesField(access, field) === referenceLevel(rows, held, level, 'write')
      })
    }
  ), { numRuns: 2000 })
  t.pass('2000 random cases agree')
})
