import { readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { Ajv } from 'ajv'
import { docTypeDefinitionSchema, type DocTypeDefinition } from './definition.js'
import { compileDocType, type DocTypeMeta } from './doctype-meta.js'
import { MetaRegistry, virtualDocTypes } from './registry.js'

/** Thrown when definitions are broken: the message lists every problem with its file. */
export class DocTypeDefinitionError extends Error {
  constructor (readonly problems: readonly string[]) {
    super(`Invalid DocType definitions:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'DocTypeDefinitionError'
  }
}

const ajv = new Ajv({ allErrors: true, strict: false })
const validateDefinition = ajv.compile<DocTypeDefinition>(docTypeDefinitionSchema)

function jsonFiles (dir: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...jsonFiles(path))
    else if (entry.isFile() && entry.name.endsWith('.json')) found.push(path)
  }
  return found.sort()
}

/** Frappe keeps a DocType in `<folder>/<folder>.json`; other JSON files are not definitions. */
function looksLikeDefinition (path: string, text: string): boolean {
  return basename(dirname(path)) === basename(path, '.json') || /"doctype"\s*:\s*"DocType"/.test(text)
}

interface Loaded { meta?: DocTypeMeta, problems: string[] }

function loadFile (path: string, label: string): Loaded | undefined {
  const text = readFileSync(path, 'utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    if (!looksLikeDefinition(path, text)) return undefined
    return { problems: [`${label}: not valid JSON (${(error as Error).message})`] }
  }
  const isDefinition = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) &&
    (parsed as Record<string, unknown>).doctype === 'DocType'
  if (!isDefinition) return undefined
  if (!validateDefinition(parsed)) {
    const messages = (validateDefinition.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
    return { problems: messages.map((m) => `${label}: ${m}`) }
  }
  const compiled = compileDocType(parsed, label)
  return { meta: compiled.meta, problems: compiled.problems.map((p) => `${label} (${parsed.name}): ${p}`) }
}

function checkReferences (metas: Map<string, DocTypeMeta>): string[] {
  const problems: string[] = []
  for (const meta of metas.values()) {
    for (const field of meta.fieldsByName.values()) {
      const target = field.options
      if (field.fieldtype === 'Link' && !metas.has(target) && !virtualDocTypes.has(target)) {
        problems.push(`${meta.source} (${meta.name}): Link field ${field.fieldname} points at DocType "${target}", which is not defined`)
      }
      if (field.storage === 'table') {
        const child = metas.get(target)
        if (child === undefined) {
          problems.push(`${meta.source} (${meta.name}): Table field ${field.fieldname} points at DocType "${target}", which is not defined`)
        } else if (!child.isTable) {
          problems.push(`${meta.source} (${meta.name}): Table field ${field.fieldname} points at "${target}", which is not a child table (istable)`)
        }
      }
    }
  }
  return problems
}

/**
 * Reads every DocType definition under the given folder trees, validates each and the references
 * between them, and throws one DocTypeDefinitionError listing every problem found.
 */
export function loadDocTypes (dirs: readonly string[]): MetaRegistry {
  const metas = new Map<string, DocTypeMeta>()
  const problems: string[] = []
  for (const dir of dirs) {
    let files: string[]
    try {
      files = jsonFiles(dir)
    } catch (error) {
      problems.push(`${dir}: cannot read the folder (${(error as Error).message})`)
      continue
    }
    for (const file of files) {
      const label = join(basename(dir), relative(dir, file))
      const loaded = loadFile(file, label)
      if (loaded === undefined) continue
      problems.push(...loaded.problems)
      if (loaded.meta === undefined) continue
      const earlier = metas.get(loaded.meta.name)
      if (earlier !== undefined) {
        problems.push(`${label}: DocType "${loaded.meta.name}" is already defined in ${earlier.source}`)
        continue
      }
      metas.set(loaded.meta.name, loaded.meta)
    }
  }
  problems.push(...checkReferences(metas))
  if (problems.length > 0) throw new DocTypeDefinitionError(problems)
  return new MetaRegistry(metas.values())
}
