import t from 'tap'
import { buildTestApp, call, serverMessages } from '../../helper.js'

t.test('a child row written on its own is saved through its parent', async (t) => {
  const { app, keys } = await buildTestApp(t)
  const note = (await call(app, keys.manager, {
    method: 'POST', url: '/api/resource/Note', payload: { title: 'Rows', seen_by: [{ user: 'sales@example.com' }, { user: 'viewer@example.com' }] }
  })).json().data
  const [first, second] = note.seen_by as Array<{ name: string }>

  const added = await call(app, keys.manager, {
    method: 'POST', url: '/api/resource/Note Seen By', payload: { parenttype: 'Note', parent: note.name, parentfield: 'seen_by', user: 'MANAGER@example.com' }
  })
  t.equal(added.statusCode, 200)
  t.match(added.json().data, { doctype: 'Note Seen By', parent: note.name, parentfield: 'seen_by', parenttype: 'Note', idx: 3, user: 'manager@example.com' })

  const updated = await call(app, keys.manager, { method: 'PUT', url: `/api/resource/Note Seen By/${second?.name ?? ''}`, payload: { user: 'manager@example.com', parent: 'elsewhere' } })
  t.equal(updated.statusCode, 200)
  t.match(updated.json().data, { name: second?.name, user: 'manager@example.com', parent: note.name, idx: 2 }, 'the row changes; its parent does not')

  const badLink = await call(app, keys.manager, { method: 'PUT', url: `/api/resource/Note Seen By/${second?.name ?? ''}`, payload: { user: 'ghost@example.com' } })
  t.equal(badLink.statusCode, 417, 'the parent\'s checks run')
  t.equal(serverMessages(badLink.json())[0]?.message, 'Could not find Row #2: User: ghost@example.com')

  const deleted = await call(app, keys.manager, { method: 'DELETE', url: `/api/resource/Note Seen By/${first?.name ?? ''}` })
  t.equal(deleted.statusCode, 202)
  const parent = (await call(app, keys.manager, { method: 'GET', url: `/api/resource/Note/${note.name as string}` })).json().data
  t.same(parent.seen_by.map((r: { user: string, idx: number }) => [r.user, r.idx]), [['manager@example.com', 1], ['manager@example.com', 2]], 'the rows left are numbered again')
  t.ok(parent.modified > note.modified, 'the parent was saved')

  const viewerWrite = await call(app, keys.viewer, { method: 'PUT', url: `/api/resource/Note Seen By/${second?.name ?? ''}`, payload: { user: 'viewer@example.com' } })
  t.equal(viewerWrite.statusCode, 403, 'Seen By is at permlevel 1, which All may not write')
  t.match(serverMessages(viewerWrite.json())[0]?.message, /permlevel 1/)
  const salesRole = (await call(app, keys.manager, { method: 'GET', url: '/api/resource/User/sales@example.com' })).json().data.roles[0]
  const escalate = await call(app, keys.viewer, { method: 'PUT', url: `/api/resource/Has Role/${salesRole.name as string}`, payload: { role: 'System Manager' } })
  t.equal(escalate.statusCode, 403, 'a row of a document the user may not write is refused')

  const orphan = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Note Seen By', payload: { user: 'sales@example.com' } })
  t.equal(orphan.statusCode, 417, 'a new row needs its parent')
  const wrongField = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Note Seen By', payload: { parenttype: 'Note', parent: note.name, parentfield: 'title', user: 'sales@example.com' } })
  t.equal(wrongField.statusCode, 417)
  const missingParent = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Note Seen By', payload: { parenttype: 'Note', parent: 'nope', parentfield: 'seen_by' } })
  t.equal(missingParent.statusCode, 404)
  const missingRow = await call(app, keys.manager, { method: 'DELETE', url: '/api/resource/Note Seen By/nope' })
  t.equal(missingRow.statusCode, 404)
})
