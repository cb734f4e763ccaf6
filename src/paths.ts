import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The folder holding package.json, whether this file runs from src/ or from the build in dist/. */
function packageRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('Cannot find the doctype-server package folder')
    dir = parent
  }
  return dir
}

const root = packageRoot()

/** The DocType definitions shipped with the server. */
export const shippedDocTypesDir = join(root, 'doctypes')

/** The demo records loaded into a new database. */
export const demoDataFile = join(root, 'doctypes', 'demo', 'demo-data.json')

/** This server's version, from package.json. */
export const serverVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version
