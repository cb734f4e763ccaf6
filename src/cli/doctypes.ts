import type { Command } from 'commander'
import type { DocTypeMeta } from '../meta/doctype-meta.js'
import { shippedDocTypesDir } from '../paths.js'
import { loadSiteDocTypes } from '../startup.js'
import type { CliContext } from './context.js'

function kind (meta: DocTypeMeta): string {
  return [meta.isSingle ? 'single' : meta.isTable ? 'child table' : 'documents', ...(meta.isSubmittable ? ['submittable'] : []), ...(meta.treeParentField === undefined ? [] : ['tree'])].join(', ')
}

export function docTypeCommands (program: Command, { config, output }: CliContext): void {
  const doctype = program.command('doctype').description('the DocTypes served (doctypes/ and DOCTYPES_DIR)')
  doctype.command('list')
    .description('every DocType the server loads, with its kind and module')
    .option('--json', 'print them as JSON')
    .action((options: { json?: boolean }) => {
      const metas = loadSiteDocTypes(config()).all().sort((a, b) => a.name.localeCompare(b.name))
      if (options.json === true) {
        output.out(`${JSON.stringify(metas.map((meta) => ({ name: meta.name, module: meta.module, kind: kind(meta), fields: meta.columns.filter((f) => !f.standard).length + meta.tables.length, source: meta.source })))}\n`)
        return
      }
      for (const meta of metas) output.out(`${meta.name.padEnd(28)} ${kind(meta).padEnd(24)} ${meta.module}\n`)
    })
  doctype.command('check')
    .description('load and check every definition without touching the database; lists every problem')
    .action(() => {
      const settings = config()
      const count = loadSiteDocTypes(settings).all().length
      output.out(`${count} DocTypes from ${[shippedDocTypesDir, ...settings.doctypesDirs].join(', ')}: all valid\n`)
    })
}
