import { DoesNotExistError } from '../errors.js'
import type { DocTypeMeta, FieldMeta } from './doctype-meta.js'

/** A field through which documents of one DocType point at documents of another. */
export interface LinkReference {
  readonly meta: DocTypeMeta
  readonly field: FieldMeta
}

/**
 * Link targets that are not tables of their own: Frappe's "DocType" is the set of DocType names,
 * which ToDo's reference_type and every Dynamic Link's type field point at.
 */
export const virtualDocTypes: ReadonlySet<string> = new Set(['DocType'])

/** Every loaded DocType, looked up by name. */
export class MetaRegistry {
  readonly #byName: ReadonlyMap<string, DocTypeMeta>
  readonly #byLowerName: ReadonlyMap<string, DocTypeMeta>
  readonly #linksTo = new Map<string, LinkReference[]>()
  readonly #dynamicLinks: LinkReference[] = []

  constructor (metas: Iterable<DocTypeMeta>) {
    const byName = new Map<string, DocTypeMeta>()
    for (const meta of metas) byName.set(meta.name, meta)
    this.#byName = byName
    this.#byLowerName = new Map([...byName.values()].map((meta) => [meta.name.toLowerCase(), meta]))
    for (const meta of byName.values()) {
      for (const field of meta.columns) {
        if (field.fieldtype === 'Dynamic Link') this.#dynamicLinks.push({ meta, field })
        if (field.fieldtype !== 'Link') continue
        const references = this.#linksTo.get(field.options) ?? []
        references.push({ meta, field })
        this.#linksTo.set(field.options, references)
      }
    }
  }

  /** The Link fields, in every DocType, whose target is `doctype`. */
  linksTo (doctype: string): readonly LinkReference[] {
    return this.#linksTo.get(doctype) ?? []
  }

  /** Every Dynamic Link field: any of them may point at any DocType. */
  dynamicLinks (): readonly LinkReference[] {
    return this.#dynamicLinks
  }

  /** The DocType, or DoesNotExistError "DocType X not found". */
  get (name: string): DocTypeMeta {
    const meta = this.find(name)
    if (meta === undefined) throw new DoesNotExistError(`DocType ${name} not found`)
    return meta
  }

  find (name: string): DocTypeMeta | undefined {
    return this.#byName.get(name)
  }

  /** Matches a DocType name regardless of letter case, as Frappe's Link to DocType does. */
  findIgnoringCase (name: string): DocTypeMeta | undefined {
    return this.#byLowerName.get(name.toLowerCase())
  }

  all (): DocTypeMeta[] {
    return [...this.#byName.values()]
  }
}
