type Child = Node | string | null | undefined | false

/**
 * Creates an element with attributes and children. Attributes are set as attributes (not
 * properties) so what the markup says is what assistive technology reads; `true` sets a boolean
 * attribute and `false`/`undefined` leave it out.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string | boolean | undefined>> = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '')
    else if (typeof value === 'string') element.setAttribute(name, value)
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) element.append(child)
  }
  return element
}

let nextId = 0
/** A document-unique id for `for`/`aria-describedby` links between elements. */
export function uniqueId(prefix: string): string {
  nextId += 1
  return `${prefix}-${nextId}`
}
