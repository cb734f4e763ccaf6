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

/** The lookups a registry answers from, made once per set of DocTypes. */
class Index {
  readonly byName = new Map<string, DocTypeMeta>()
  readonly byLowerName = new Map<string, DocTypeMeta>()
  readonly linksTo = new Map<string, LinkReference[]>()
  readonly dynamicLinks: LinkReference[] = []

  constructor (metas: Iterable<DocTypeMeta>) {
    for (const meta of metas) this.byName.set(meta.name, meta)
    for (const meta of this.byName.values()) {
      this.byLowerName.set(meta.name.toLowerCase(), meta)
      for (const field of meta.columns) {
        if (field.fieldtype === 'Dynamic Link') this.dynamicLinks.push({ meta, field })
        if (field.fieldtype !== 'Link') continue
        const references = this.linksTo.get(field.options) ?? []
        references.push({ meta, field })
        this.linksTo.set(field.options, references)
      }
    }
  }
}

/**
 * Every loaded DocType, looked up by name. A reload of the definitions replaces them all at once,
 * in place, so that whoever holds the registry sees the new DocTypes from the next lookup on.
 */
export class MetaRegistry {
  #index: Index

  constructor (metas: Iterable<DocTypeMeta>) {
    this.#index = new Index(metas)
  }

  /** Takes the DocTypes of `next`, a registry loaded again from the definitions. */
  replaceWith (next: MetaRegistry): void {
    this.#index = next.#index
  }

  /** The Link fields, in every DocType, whose target is `doctype`. */
  linksTo (doctype: string): readonly LinkReference[] {
    return this.#index.linksTo.get(doctype) ?? []
  }

  /** Every Dynamic Link field: any of them may point at any DocType. */
  dynamicLinks (): readonly LinkReference[] {
    return this.#index.dynamicLinks
  }

  /** The DocType, or DoesNotExistError "DocType X not found". */
  get (name: string): DocTypeMeta {
    const meta = this.find(name)
    if (meta === undefined) throw new DoesNotExistError(`DocType ${name} not found`)
    return meta
  }

  find (name: string): DocTypeMeta | undefined {
    return this.#index.byName.get(name)
  }

  /** Matches a DocType name regardless of letter case, as Frappe's Link to DocType does. */
  findIgnoringCase (name: string): DocTypeMeta | undefined {
    return this.#index.byLowerName.get(name.toLowerCase())
  }

  all (): DocTypeMeta[] {
    return [...this.#index.byName.values()]
  }
}
