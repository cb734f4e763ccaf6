import type { Command } from 'commander'
import { demoDataFile } from '../paths.js'
import { readSeedFile, seedRecords } from '../services/demo-data.js'
import type { CliContext } from './context.js'
import { progressOn } from './output.js'
import { withSite } from './site.js'

export function seedCommands (program: Command, { config, output }: CliContext): void {
  program.command('seed [file]')
    .description('insert the documents of a JSON file (a list of documents, each with its doctype), all or none; the demo data by default')
    .action(async (file: string | undefined) => {
      const records = readSeedFile(file ?? demoDataFile)
      await withSite(config(), output, async (site) => {
        const report = progressOn(output)
        const count = await seedRecords(site, records, (done) => { report('Seeding', done, records.length) })
        output.out(`Seeded ${count} documents\n`)
      })
    })
}
