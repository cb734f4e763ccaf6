import t from 'tap'
import { buildTestApp, call, listUrl, serverMessages } from '../../helper.js'

t.test('create, read, update and delete a ToDo', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const created = await call(app, keys.viewer, { method: 'POST', url: '/api/resource/ToDo', payload: { description: 'Ring Globex', priority: 'High' } })
  t.equal(created.statusCode, 200, 'create answers 200, as Frappe')
  const doc = created.json().data
  t.match(doc.name, /^[0-9a-v]{10}$/, 'a random name of 10 characters from 0-9a-v')
  t.match(doc, {
    doctype: 'ToDo',
    owner: 'viewer@example.com',
    modified_by: 'viewer@example.com',
    docstatus: 0,
    idx: 0,
    status: 'Open',
    priority: 'High',
    description: 'Ring Globex'
  })
  t.match(doc.date, /^\d{4}-\d{2}-\d{2}$/, 'the default Today')
  t.match(doc.creation, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{6})?$/)
  t.notOk('allocated_to' in doc, 'null fields are left out of a document')

  const read = await call(app, keys.viewer, { method: 'GET', url: `/api/resource/ToDo/${doc.name as string}` })
  t.equal(read.statusCode, 200)
  t.same(read.json().data, doc)

  const updated = await call(app, keys.viewer, { method: 'PUT', url: `/api/resource/ToDo/${doc.name as string}`, payload: { status: 'Closed' } })
  t.equal(updated.statusCode, 200)
  t.match(updated.json().data, { status: 'Closed', priority: 'High', description: 'Ring Globex' }, 'PUT merges into the stored document')
  t.ok(updated.json().data.modified > doc.modified, 'modified moves on')

  const deleted = await call(app, keys.manager, { method: 'DELETE', url: `/api/resource/ToDo/${doc.name as string}`, headers: { 'content-type': 'application/json' } })
  t.equal(deleted.statusCode, 202)
  t.equal(deleted.body, '{"data":"ok"}')
  const gone = await call(app, keys.manager, { method: 'GET', url: `/api/resource/ToDo/${doc.name as string}` })
  t.equal(gone.statusCode, 404)
  t.equal(gone.json().exc_type, 'DoesNotExistError')
  t.equal(serverMessages(gone.json())[0]?.message, `ToDo ${doc.name as string} not found`)
})

t.test('write permissions follow the roles', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const created = await call(app, keys.viewer, { method: 'POST', url: '/api/resource/ToDo', payload: { description: 'mine' } })
  const name = created.json().data.name as string
  const refused = await call(app, keys.viewer, { method: 'DELETE', url: `/api/resource/ToDo/${name}` })
  t.equal(refused.statusCode, 403, 'All may not delete a ToDo')
  t.equal(refused.json()._error_message, `You need the 'delete' permission on <strong>ToDo</strong> ${name} to perform this action.`)
  t.match(serverMessages(refused.json())[0]?.message, /granted by the role System Manager\./)

  const noCreate = await call(app, keys.viewer, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Nope Inc' } })
  t.equal(noCreate.statusCode, 403)
  t.equal(noCreate.json()._error_message, 'You need the \'create\' permission on <strong>Customer</strong>  to perform this action.')

  const salesCreate = await call(app, keys.sales, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Sold Ltd', customer_group: 'Commercial' } })
  t.equal(salesCreate.statusCode, 200, 'Sales User may create customers')
  const salesDelete = await call(app, keys.sales, { method: 'DELETE', url: '/api/resource/Customer/Sold Ltd' })
  t.equal(salesDelete.statusCode, 403, 'but not delete them')
  const guestRead = await call(app, undefined, { method: 'GET', url: '/api/resource/ToDo' })
  t.equal(guestRead.statusCode, 403, 'Guest reads nothing')
})

t.test('names: field naming, spaces, slashes, non-ASCII, 140 characters', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const names = ['Müller & Söhne GmbH', 'A/B Trading', 'Ōsaka 商事', 'x'.repeat(140), 'Percent 100% sure?']
  for (const customerName of names) {
    const created = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: customerName } })
    t.equal(created.statusCode, 200, `create ${customerName.slice(0, 20)}`)
    t.equal(created.json().data.name, customerName, 'named after customer_name')
    const url = `/api/resource/Customer/${encodeURIComponent(customerName)}`
    const read = await call(app, keys.manager, { method: 'GET', url })
    t.equal(read.statusCode, 200, 'read it back by its encoded name')
    t.equal(read.json().data.customer_name, customerName)
    const updated = await call(app, keys.manager, { method: 'PUT', url, payload: { customer_details: 'seen' } })
    t.equal(updated.json().data.customer_details, 'seen')
    const deleted = await call(app, keys.manager, { method: 'DELETE', url })
    t.equal(deleted.statusCode, 202)
  }
  const slashRaw = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'C/O Partners' } })
  t.equal(slashRaw.statusCode, 200)
  t.equal((await call(app, keys.manager, { method: 'GET', url: '/api/resource/Customer/C/O Partners' })).statusCode, 200, 'a raw slash in the path is part of the name')
  const tooLong = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'y'.repeat(141) } })
  t.equal(tooLong.statusCode, 417)
  const angle = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: '<script>' } })
  t.equal(angle.statusCode, 417)
  t.equal(angle.json().exc_type, 'InvalidNameError')
  const sameName = await call(app, keys.manager, { method: 'GET', url: '/api/resource/Customer/acme corporation' })
  t.equal(sameName.json().data.name, 'Acme Corporation', 'names match regardless of letter case, as under MariaDB')
})

t.test('409, 417 and 404 in Frappe\'s shape', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const duplicate = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Acme Corporation' } })
  t.equal(duplicate.statusCode, 409)
  t.equal(duplicate.json().exc_type, 'DuplicateEntryError')
  t.same(serverMessages(duplicate.json())[0], { message: 'Customer <strong>Acme Corporation</strong> already exists', title: 'Duplicate Name', indicator: 'red' })
  const differentCase = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'ACME CORPORATION' } })
  t.equal(differentCase.statusCode, 409, 'names clash regardless of letter case')

  const mandatory = await call(app, keys.manager, { method: 'POST', url: '/api/resource/ToDo', payload: { status: 'Open' } })
  t.equal(mandatory.statusCode, 417)
  t.equal(mandatory.json().exc_type, 'MandatoryError')
  t.match(mandatory.json().exception, /^frappe\.exceptions\.MandatoryError: \[ToDo, [0-9a-v]{10}\]: description$/)
  t.same(serverMessages(mandatory.json()), [{ message: 'Error: Value missing for ToDo: Description', title: 'Message' }])

  const namingField = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Customer', payload: { customer_type: 'Company' } })
  t.equal(namingField.statusCode, 417)
  t.equal(serverMessages(namingField.json())[0]?.message, 'Customer Name is required')

  const badLink = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Linked', customer_group: 'Nope', territory: 'Mars' } })
  t.equal(badLink.statusCode, 417)
  t.equal(badLink.json().exc_type, 'LinkValidationError')
  t.equal(serverMessages(badLink.json())[0]?.message, 'Could not find Customer Group: Nope, Territory: Mars')

  const linkCase = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Customer', payload: { customer_name: 'Cased', customer_group: 'commercial' } })
  t.equal(linkCase.json().data.customer_group, 'Commercial', 'a link takes the exact name of its target')

  const badSelect = await call(app, keys.manager, { method: 'POST', url: '/api/resource/ToDo', payload: { description: 'x', status: 'Maybe' } })
  t.equal(badSelect.statusCode, 417)
  t.equal(serverMessages(badSelect.json())[0]?.message, 'Status cannot be "Maybe". It should be one of "Open", "Closed", "Cancelled"')

  const badDate = await call(app, keys.manager, { method: 'POST', url: '/api/resource/ToDo', payload: { description: 'x', date: '2025-02-30' } })
  t.equal(badDate.statusCode, 417)
  t.match(serverMessages(badDate.json())[0]?.message, /not valid for Due Date/)

  const unique = await call(app, keys.manager, { method: 'PUT', url: '/api/resource/Customer Group/Government', payload: { customer_group_name: 'Commercial' } })
  t.equal(unique.statusCode, 417)
  t.equal(unique.json().exc_type, 'UniqueValidationError')
  t.equal(serverMessages(unique.json())[0]?.message, 'Customer Group Name must be unique')

  const takenName = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Customer Group', payload: { customer_group_name: 'Commercial' } })
  t.equal(takenName.statusCode, 409, 'a taken name is a duplicate, though its field is unique too')
  t.equal(takenName.json().exc_type, 'DuplicateEntryError')

  const missingDoc = await call(app, keys.manager, { method: 'PUT', url: '/api/resource/Customer/Nobody', payload: { customer_details: 'x' } })
  t.equal(missingDoc.statusCode, 404)
  const missingDelete = await call(app, keys.manager, { method: 'DELETE', url: '/api/resource/Customer/Nobody' })
  t.equal(missingDelete.statusCode, 404)
  t.same(missingDelete.json(), { exc_type: 'DoesNotExistError' }, 'DELETE of a missing document carries no message, as in Frappe')
  const unknownDocType = await call(app, keys.manager, { method: 'GET', url: '/api/resource/Spaceship' })
  t.equal(unknownDocType.statusCode, 404)
  t.equal(serverMessages(unknownDocType.json())[0]?.message, 'DocType Spaceship not found')
})

t.test('documents that others link to cannot be deleted', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const res = await call(app, keys.manager, { method: 'DELETE', url: '/api/resource/Customer Group/Commercial' })
  t.equal(res.statusCode, 417)
  t.equal(res.json().exc_type, 'LinkExistsError')
  t.match(serverMessages(res.json())[0]?.message, /Customer Group <strong>Commercial<\/strong> is linked with Customer <strong>/)
  const role = await call(app, keys.manager, { method: 'DELETE', url: '/api/resource/Role/Sales User' })
  t.equal(role.statusCode, 417, 'a role held by a user (through a child row) is linked from the user')
  t.match(serverMessages(role.json())[0]?.message, /is linked with User <strong>sales@example.com<\/strong>/)
})

t.test('bodies: JSON, the data form field, JSON text in data, an empty JSON body', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const form = await call(app, keys.manager, {
    method: 'POST',
    url: '/api/resource/ToDo',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `data=${encodeURIComponent(JSON.stringify({ description: 'from a form' }))}`
  })
  t.equal(form.statusCode, 200)
  t.equal(form.json().data.description, 'from a form')
  const plainForm = await call(app, keys.manager, {
    method: 'POST', url: '/api/resource/ToDo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'description=plain+fields&priority=Low'
  })
  t.match(plainForm.json().data, { description: 'plain fields', priority: 'Low' })
  const wrapped = await call(app, keys.manager, { method: 'POST', url: '/api/resource/ToDo', payload: { data: JSON.stringify({ description: 'wrapped' }) } })
  t.equal(wrapped.json().data.description, 'wrapped')
  const put = await call(app, keys.manager, {
    method: 'PUT', url: `/api/resource/ToDo/${form.json().data.name as string}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `data=${encodeURIComponent('{"status": "Closed"}')}`
  })
  t.equal(put.json().data.status, 'Closed', 'PUT with the data form field, as python clients send it')
  const ignored = await call(app, keys.manager, { method: 'POST', url: '/api/resource/ToDo', payload: { description: 'd', doctype: 'Note', name: 'chosen', owner: 'someone', unknown_key: 1 } })
  t.equal(ignored.statusCode, 200)
  t.match(ignored.json().data, { doctype: 'ToDo', owner: 'manager@example.com' })
  t.not(ignored.json().data.name, 'chosen', 'a client name is ignored under hash naming')
  const emptyJson = await call(app, keys.manager, { method: 'DELETE', url: `/api/resource/ToDo/${wrapped.json().data.name as string}`, headers: { 'content-type': 'application/json' }, payload: '' })
  t.equal(emptyJson.statusCode, 202, 'an empty JSON body is accepted')
})

t.test('Fastify\'s own errors in Frappe\'s envelope', async (t) => {
  const { app, keys, site } = await buildTestApp(t, { BODY_LIMIT: '2048' })
  const before = await site.db.selectFrom('tabToDo').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const cases: Array<[string, Parameters<typeof call>[2], number, string]> = [
    ['malformed JSON', { method: 'POST', url: '/api/resource/ToDo', headers: { 'content-type': 'application/json' }, payload: '{"description": ' }, 400, 'JSONDecodeError'],
    ['a JSON number', { method: 'POST', url: '/api/resource/ToDo', headers: { 'content-type': 'application/json' }, payload: '42' }, 417, 'ValidationError'],
    ['body too large', { method: 'POST', url: '/api/resource/ToDo', payload: { description: 'x'.repeat(4000) } }, 413, 'RequestEntityTooLarge'],
    ['unsupported media type', { method: 'POST', url: '/api/resource/ToDo', headers: { 'content-type': 'application/xml' }, payload: '<a/>' }, 415, 'UnsupportedMediaType'],
    ['unknown route', { method: 'GET', url: '/api/rest' }, 404, 'DoesNotExistError'],
    ['PATCH is not routed in v1', { method: 'PATCH', url: '/api/resource/ToDo/x', payload: {} }, 404, 'DoesNotExistError'],
    ['bad URL encoding', { method: 'GET', url: '/api/resource/%E0%A4%A' }, 400, 'BadRequest'],
    ['data that is not an object', { method: 'POST', url: '/api/resource/ToDo', payload: { data: '[1,2]' } }, 417, 'ValidationError'],
    ['child rows that are not a list', { method: 'POST', url: '/api/resource/Note', payload: { title: 'x', seen_by: 'everyone' } }, 417, 'ValidationError']
  ]
  for (const [label, options, status, excType] of cases) {
    const res = await call(app, keys.manager, options)
    t.equal(res.statusCode, status, `${label}: ${status}`)
    t.equal(res.json().exc_type, excType, `${label}: ${excType}`)
    t.notMatch(res.body, /Traceback|at .*\.ts:\d+/, `${label}: no stack trace`)
  }
  const after = await site.db.selectFrom('tabToDo').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.equal(after.n, before.n, 'nothing was written')
})

t.test('routes: trailing slashes, /api/v1, percent-encoded DocTypes', async (t) => {
  const { app, keys } = await buildTestApp(t)
  for (const url of ['/api/resource/Customer/', '/api/v1/resource/Customer', '/api/resource/Customer%20Group', '/api/resource/Customer Group/']) {
    const res = await call(app, keys.manager, { method: 'GET', url })
    t.equal(res.statusCode, 200, url)
    t.ok(Array.isArray(res.json().data), `${url} lists`)
  }
  const one = await call(app, keys.manager, { method: 'GET', url: '/api/v1/resource/Customer/Initech' })
  t.equal(one.json().data.name, 'Initech')
})

t.test('child tables are stored, read, replaced and removed with their parent', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const created = await call(app, keys.manager, {
    method: 'POST', url: '/api/resource/Note', payload: { title: 'Plan', seen_by: [{ user: 'sales@example.com' }, { user: 'VIEWER@example.com' }] }
  })
  t.equal(created.statusCode, 200)
  const note = created.json().data
  t.equal(note.seen_by.length, 2)
  t.match(note.seen_by[0], { doctype: 'Note Seen By', parent: note.name, parentfield: 'seen_by', parenttype: 'Note', idx: 1, user: 'sales@example.com' })
  t.equal(note.seen_by[1].user, 'viewer@example.com', 'child links are checked and corrected too')

  const badRow = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Note', payload: { title: 'Bad', seen_by: [{ user: 'nobody@example.com' }] } })
  t.equal(badRow.statusCode, 417)
  t.equal(serverMessages(badRow.json())[0]?.message, 'Could not find Row #1: User: nobody@example.com')

  const keep = note.seen_by[1]
  const replaced = await call(app, keys.manager, {
    method: 'PUT', url: `/api/resource/Note/${note.name as string}`, payload: { seen_by: [keep, { user: 'manager@example.com' }] }
  })
  const rows = replaced.json().data.seen_by
  t.same(rows.map((r: { user: string }) => r.user), ['viewer@example.com', 'manager@example.com'], 'the sent table replaces the stored one')
  t.equal(rows[0].name, keep.name, 'a row sent with its name keeps it')
  t.equal(rows[0].idx, 1)

  const untouched = await call(app, keys.manager, { method: 'PUT', url: `/api/resource/Note/${note.name as string}`, payload: { content: 'text' } })
  t.equal(untouched.json().data.seen_by.length, 2, 'a table left out of the body is left alone')

  const row = await call(app, keys.manager, { method: 'GET', url: `/api/resource/Note Seen By/${keep.name as string}` })
  t.equal(row.statusCode, 200, 'a child row can be read on its own')
  const viewerRow = await call(app, keys.viewer, { method: 'GET', url: `/api/resource/Note Seen By/${keep.name as string}` })
  t.equal(viewerRow.statusCode, 403, 'as the parent allows: Seen By is at permlevel 1, which All may not read')
  t.equal((await call(app, keys.viewer, { method: 'GET', url: '/api/resource/Note Seen By?parent=Note' })).statusCode, 403, 'nor list')
  t.equal((await call(app, keys.viewer, { method: 'GET', url: listUrl('Note', { filters: [['Note Seen By', 'user', '=', 'x']] }) })).statusCode, 403, 'nor filter on')
  const childList = await call(app, keys.manager, { method: 'GET', url: '/api/resource/Note Seen By?fields=["user"]&parent=Note' })
  t.equal(childList.json().data.length, 2)
  const childListWithoutParent = await call(app, keys.manager, { method: 'GET', url: '/api/resource/Note Seen By' })
  t.equal(childListWithoutParent.statusCode, 403, 'a child table list needs parent=')
  const childWrite = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Note Seen By', payload: { user: 'sales@example.com' } })
  t.equal(childWrite.statusCode, 417)

  const deleted = await call(app, keys.manager, { method: 'DELETE', url: `/api/resource/Note/${note.name as string}` })
  t.equal(deleted.statusCode, 202)
  const orphan = await call(app, keys.manager, { method: 'GET', url: '/api/resource/Note Seen By?parent=Note' })
  t.same(orphan.json().data, [], 'child rows go with their parent')
})

t.test('a failed write leaves nothing behind', async (t) => {
  const { app, keys, site } = await buildTestApp(t)
  const res = await call(app, keys.manager, {
    method: 'POST', url: '/api/resource/Note', payload: { title: 'Half', seen_by: [{ user: 'sales@example.com' }, { user: 'ghost@example.com' }] }
  })
  t.equal(res.statusCode, 417)
  const notes = await site.db.selectFrom('tabNote').select('name').where('title', '=', 'Half').execute()
  const rows = await site.db.selectFrom('tabNote Seen By').selectAll().execute()
  t.same(notes, [])
  t.same(rows, [])
})

t.test('optimistic locking with modified', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const doc = (await call(app, keys.manager, { method: 'GET', url: '/api/resource/Customer/Initech' })).json().data
  const stale = await call(app, keys.manager, { method: 'PUT', url: '/api/resource/Customer/Initech', payload: { customer_details: 'a', modified: '2001-01-01 00:00:00' } })
  t.equal(stale.statusCode, 417)
  t.equal(stale.json().exc_type, 'TimestampMismatchError')
  const fresh = await call(app, keys.manager, { method: 'PUT', url: '/api/resource/Customer/Initech', payload: { customer_details: 'b', modified: doc.modified } })
  t.equal(fresh.statusCode, 200)
})

t.test('docstatus stays 0 on a DocType that is not submittable', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const res = await call(app, keys.manager, { method: 'POST', url: '/api/resource/ToDo', payload: { description: 'x', docstatus: 1 } })
  t.equal(res.statusCode, 417)
  t.equal(res.json().exc_type, 'DocstatusTransitionError')
})

t.test('the standard users and roles cannot be deleted', async (t) => {
  const { app, keys } = await buildTestApp(t)
  for (const url of ['/api/resource/User/Administrator', '/api/resource/User/Guest', '/api/resource/Role/All', '/api/resource/Role/Guest']) {
    const res = await call(app, keys.administrator, { method: 'DELETE', url })
    t.equal(res.statusCode, 417, url)
    t.match(serverMessages(res.json())[0]?.message, /is a standard record and cannot be deleted/)
  }
  const user = await call(app, keys.manager, { method: 'DELETE', url: '/api/resource/User/viewer@example.com' })
  t.equal(user.statusCode, 202, 'other users can be deleted')
  const gone = await app.inject({ method: 'GET', url: '/api/resource/ToDo', headers: { authorization: `token ${keys.viewer.api_key}:${keys.viewer.api_secret}` } })
  t.equal(gone.statusCode, 401, 'and their keys go with them')
  t.equal(gone.json().reason, 'unknown_key')
})
