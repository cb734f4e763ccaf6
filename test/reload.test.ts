import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { reloadDocTypes, watchDocTypes } from '../src/reload.js'
import { buildTestApp, call } from './helper.js'

function widget (fields: Array<Record<string, unknown>>): string {
  return JSON.stringify({
    doctype: 'DocType',
    name: 'Widget',
    module: 'Test',
    fields,
    permissions: [{ role: 'System Manager', read: 1, write: 1, create: 1, delete: 1 }]
  })
}

t.test('a DocType added or changed on disk is served and described without a restart; a broken one changes nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doctypes-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const { app, keys, site, config } = await buildTestApp(t, { DOCTYPES_DIR: dir })
  const stop = watchDocTypes(site, config, app.log, 50)
  t.teardown(stop)
  const described = async (): Promise<Record<string, { properties: Record<string, unknown> }>> =>
    (await call(app, keys.manager, { method: 'GET', url: '/api/openapi.json' })).json().components.schemas
  const until = async (check: () => Promise<boolean>): Promise<boolean> => {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await check()) return true
      await sleep(50)
    }
    return false
  }
  t.notOk('Widget' in await described())

  mkdirSync(join(dir, 'widget'))
  writeFileSync(join(dir, 'widget', 'widget.json'), widget([{ fieldname: 'title', fieldtype: 'Data', label: 'Title' }]))
  t.ok(await until(async () => 'Widget' in await described()), 'a new DocType appears in the OpenAPI document')
  const created = await call(app, keys.manager, { method: 'POST', url: '/api/resource/Widget', payload: { title: 'first' } })
  t.equal(created.statusCode, 200, 'and is served, its table made')

  writeFileSync(join(dir, 'widget', 'widget.json'), widget([{ fieldname: 'title', fieldtype: 'Data', label: 'Title' }, { fieldname: 'size', fieldtype: 'Int', label: 'Size' }]))
  t.ok(await until(async () => 'size' in ((await described()).Widget?.properties ?? {})), 'a field added is described')
  const sized = await call(app, keys.manager, { method: 'PUT', url: `/api/resource/Widget/${String(created.json().data.name)}`, payload: { size: 3 } })
  t.match(sized.json().data, { title: 'first', size: 3 }, 'and stored in its new column')

  writeFileSync(join(dir, 'widget', 'widget.json'), widget([{ fieldname: 'size', fieldtype: 'Nonsense' }]))
  await sleep(400)
  t.ok('size' in ((await described()).Widget?.properties ?? {}), 'a broken definition leaves the DocTypes in force')
  t.equal((await call(app, keys.manager, { method: 'GET', url: '/api/resource/Widget' })).statusCode, 200)
})

t.test('two processes reloading the same change at once both succeed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'doctypes-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  mkdirSync(join(dir, 'widget'))
  writeFileSync(join(dir, 'widget', 'widget.json'), widget([{ fieldname: 'title', fieldtype: 'Data', label: 'Title' }]))
  const env = { DOCTYPES_DIR: dir, DATABASE_URL: join(dir, 'site.db') }
  const a = await buildTestApp(t, env)
  const b = await buildTestApp(t, env)
  writeFileSync(join(dir, 'widget', 'widget.json'), widget([{ fieldname: 'title', fieldtype: 'Data', label: 'Title' }, { fieldname: 'size', fieldtype: 'Int', label: 'Size' }]))
  mkdirSync(join(dir, 'gizmo'))
  writeFileSync(join(dir, 'gizmo', 'gizmo.json'), widget([{ fieldname: 'title', fieldtype: 'Data', label: 'Title' }]).replace('"Widget"', '"Gizmo"'))
  const counts = await Promise.all([reloadDocTypes(a.site, a.config), reloadDocTypes(b.site, b.config)])
  t.equal(counts[0], counts[1])
  for (const { app, keys } of [a, b]) {
    t.equal((await call(app, keys.manager, { method: 'POST', url: '/api/resource/Widget', payload: { title: 'x', size: 2 } })).statusCode, 200)
    t.equal((await call(app, keys.manager, { method: 'POST', url: '/api/resource/Gizmo', payload: { title: 'y' } })).statusCode, 200)
  }
})
