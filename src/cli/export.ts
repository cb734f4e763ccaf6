import { writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import { sampleNames } from '../describe/examples.js'
import { describedDocTypes } from '../describe/visible-doctypes.js'
import { openApiDocument } from '../describe/openapi.js'
import { postmanCollection } from '../describe/postman.js'
import { serverVersion } from '../paths.js'
import { methods } from '../routes/api/method.js'
import { asAdministrator } from '../services/user-admin.js'
import type { CliContext } from './context.js'
import { withSite } from './site.js'

interface ExportOptions { out?: string, baseUrl?: string }

export function exportCommands (program: Command, { config, output }: CliContext): void {
  const exporting = program.command('export').description('write the API\'s description, as the server serves it')
  const formats = {
    openapi: 'the OpenAPI 3.1 document (as /api/openapi.json)',
    postman: 'the Postman v2.1 collection (as /api/postman.json): import it, set api_key and api_secret, send'
  } as const
  for (const [format, description] of Object.entries(formats) as Array<[keyof typeof formats, string]>) {
    exporting.command(format)
      .description(description)
      .option('--out <file>', 'write to this file instead of standard output')
      .option('--base-url <url>', 'where the server answers (default: http://127.0.0.1:PORT)')
      .action(async (options: ExportOptions) => {
        const settings = config()
        await withSite(settings, output, async (site) => {
          const ctx = asAdministrator(site)
          const described = { metas: await describedDocTypes(ctx), samples: await sampleNames(ctx), serverUrl: options.baseUrl ?? `http://127.0.0.1:${settings.port}` }
          const document = format === 'openapi' ? openApiDocument({ ...described, methods, version: serverVersion }) : postmanCollection(described)
          const text = `${JSON.stringify(document, null, 2)}\n`
          if (options.out === undefined) output.out(text)
          else {
            writeFileSync(options.out, text)
            output.err(`Wrote ${options.out}\n`)
          }
        })
      })
  }
}
