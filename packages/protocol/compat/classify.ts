/**
 * Classifies the differences between two versions of a Peerlane JSON Schema document as
 * additive (a peer built against `before` still interoperates) or breaking (it may not).
 *
 * The rule is "widening is additive, narrowing is breaking": a new optional field, a new
 * message type, a new error or close code, a raised maximum or a lowered minimum are additive;
 * a removed field or type, a new required field, a lowered maximum, a new or changed pattern, a
 * changed `type`, `const` or code number are breaking. What the classifier cannot prove safe
 * (an unknown keyword that changed) counts as breaking. Descriptions are documentation only.
 */

export type ChangeKind = 'additive' | 'breaking'

export interface Change {
  readonly kind: ChangeKind
  /** Where, as `file#/$defs/…` JSON Pointer. */
  readonly path: string
  /** What changed and why it has this kind, in one sentence. */
  readonly why: string
}

export type Verdict = 'none' | ChangeKind

type Node = Readonly<Record<string, unknown>>

const LIMITS_UPPER = ['maxLength', 'maximum', 'maxItems'] as const
const LIMITS_LOWER = ['minLength', 'minimum', 'minItems'] as const
/** Keywords compared by the rules below; any other keyword that changes is reported as breaking. */
const UNDERSTOOD = new Set<string>([
  'type', 'const', 'anyOf', 'oneOf', 'properties', 'required', 'additionalProperties', 'items', 'pattern',
  '$ref', 'description', 'title', 'default', 'examples', ...LIMITS_UPPER, ...LIMITS_LOWER,
])

export function verdictOf(changes: readonly Change[]): Verdict {
  if (changes.some((change) => change.kind === 'breaking')) return 'breaking'
  return changes.length > 0 ? 'additive' : 'none'
}

/** Every difference between two schema documents (the `protocol.vN.json` shape: `$defs` of messages plus code tables). */
export function classify(before: Node, after: Node, file = 'schema'): Change[] {
  const changes: Change[] = []
  const add = (kind: ChangeKind, path: string, why: string) => changes.push({ kind, path: `${file}#${path}`, why })

  for (const key of ['x-protocol-version', 'x-peer-protocol-version']) {
    if (before[key] === after[key]) continue
    if (before[key] === undefined) add('additive', `/${key}`, `${key} announced (${String(after[key])})`)
    else add('breaking', `/${key}`, `${key} changed from ${String(before[key])} to ${String(after[key])}`)
  }
  compareTable(record(before['x-error-codes']), record(after['x-error-codes']), '/x-error-codes', 'error code', false, add)
  compareTable(record(before['x-close-codes']), record(after['x-close-codes']), '/x-close-codes', 'close code', true, add)

  const beforeDefs = record(before.$defs)
  const afterDefs = record(after.$defs)
  for (const key of Object.keys(beforeDefs)) {
    if (isAggregate(key)) continue
    if (!Object.hasOwn(afterDefs, key)) add('breaking', `/$defs/${key}`, `message type "${key}" was removed: peers that send or expect it break`)
  }
  for (const key of Object.keys(afterDefs)) {
    if (isAggregate(key)) continue
    if (!Object.hasOwn(beforeDefs, key)) add('additive', `/$defs/${key}`, `new message type "${key}"`)
    else compareNode(record(beforeDefs[key]), record(afterDefs[key]), `/$defs/${key}`, add)
  }
  return changes
}

type Add = (kind: ChangeKind, path: string, why: string) => void

// `ClientMessage`/`ServerMessage` only list the message types, whose changes are reported per type.
function isAggregate(key: string): boolean {
  return !key.includes('.')
}

function compareTable(before: Node, after: Node, path: string, what: string, valuesMatter: boolean, add: Add): void {
  for (const name of Object.keys(before)) {
    if (!Object.hasOwn(after, name)) add('breaking', `${path}/${name}`, `${what} "${name}" was removed`)
    else if (valuesMatter && before[name] !== after[name]) {
      add('breaking', `${path}/${name}`, `${what} "${name}" changed from ${String(before[name])} to ${String(after[name])}`)
    }
  }
  for (const name of Object.keys(after)) {
    if (!Object.hasOwn(before, name)) add('additive', `${path}/${name}`, `new ${what} "${name}"`)
  }
}

function compareNode(before: Node, after: Node, path: string, add: Add): void {
  if (before.type !== after.type) {
    add('breaking', path, `type changed from ${describe(before.type)} to ${describe(after.type)}`)
    return
  }
  if ('const' in before || 'const' in after) {
    if (JSON.stringify(before.const) !== JSON.stringify(after.const)) add('breaking', path, `value changed from ${describe(before.const)} to ${describe(after.const)}`)
  }
  compareBranches(before, after, path, add)
  compareProperties(before, after, path, add)
  if (before.items !== undefined || after.items !== undefined) {
    if (before.items === undefined) add('breaking', `${path}/items`, 'array items gained a schema (narrowed)')
    else if (after.items === undefined) add('additive', `${path}/items`, 'array items lost their schema (widened)')
    else compareNode(record(before.items), record(after.items), `${path}/items`, add)
  }
  compareLimits(before, after, path, add)
  if (before.pattern !== after.pattern) {
    if (after.pattern === undefined) add('additive', `${path}/pattern`, 'pattern removed (widened)')
    else if (before.pattern === undefined) add('breaking', `${path}/pattern`, 'new pattern: values accepted before may now be refused')
    else add('breaking', `${path}/pattern`, 'pattern changed: values accepted before may now be refused')
  }
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (UNDERSTOOD.has(key)) continue
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) add('breaking', `${path}/${key}`, `keyword "${key}" changed and its effect cannot be classified`)
  }
}

function compareBranches(before: Node, after: Node, path: string, add: Add): void {
  const keyword = 'anyOf' in before || 'anyOf' in after ? 'anyOf' : 'oneOf' in before || 'oneOf' in after ? 'oneOf' : undefined
  if (!keyword) return
  const beforeBranches = list(before[keyword])
  const afterBranches = list(after[keyword])
  const matched = new Set<number>()
  beforeBranches.forEach((branch, index) => {
    const at = afterBranches.findIndex((candidate, i) => !matched.has(i) && branchKey(candidate) === branchKey(branch))
    if (at === -1) {
      add('breaking', `${path}/${keyword}/${index}`, `alternative ${describeBranch(branch)} was removed (narrowed)`)
      return
    }
    matched.add(at)
    compareNode(branch, afterBranches[at] as Node, `${path}/${keyword}/${index}`, add)
  })
  afterBranches.forEach((branch, index) => {
    if (!matched.has(index)) add('additive', `${path}/${keyword}/${index}`, `new alternative ${describeBranch(branch)} (widened)`)
  })
}

// Literal branches pair up by their value, others by their JSON type (and $ref target).
function branchKey(branch: Node): string {
  if ('const' in branch) return `const:${JSON.stringify(branch.const)}`
  if (typeof branch.$ref === 'string') return `ref:${branch.$ref}`
  return `type:${describe(branch.type)}`
}

function compareProperties(before: Node, after: Node, path: string, add: Add): void {
  const beforeProps = record(before.properties)
  const afterProps = record(after.properties)
  const beforeRequired = new Set(strings(before.required))
  const afterRequired = new Set(strings(after.required))
  for (const name of Object.keys(beforeProps)) {
    const at = `${path}/properties/${name}`
    if (!Object.hasOwn(afterProps, name)) {
      add('breaking', at, `field "${name}" was removed (or renamed)`)
      continue
    }
    if (!beforeRequired.has(name) && afterRequired.has(name)) add('breaking', at, `field "${name}" became required`)
    if (beforeRequired.has(name) && !afterRequired.has(name)) add('breaking', at, `field "${name}" became optional: readers that rely on it break`)
    compareNode(record(beforeProps[name]), record(afterProps[name]), at, add)
  }
  for (const name of Object.keys(afterProps)) {
    if (Object.hasOwn(beforeProps, name)) continue
    const at = `${path}/properties/${name}`
    if (afterRequired.has(name)) add('breaking', at, `new required field "${name}": messages from older peers lack it`)
    else add('additive', at, `new optional field "${name}"`)
  }
  const closedBefore = before.additionalProperties === false
  const closedAfter = after.additionalProperties === false
  if (!closedBefore && closedAfter) add('breaking', `${path}/additionalProperties`, 'unknown fields are now refused (narrowed)')
  if (closedBefore && !closedAfter) add('additive', `${path}/additionalProperties`, 'unknown fields are now allowed (widened)')
}

function compareLimits(before: Node, after: Node, path: string, add: Add): void {
  for (const keyword of LIMITS_UPPER) {
    const was = before[keyword] as number | undefined
    const is = after[keyword] as number | undefined
    if (was === is) continue
    if (is !== undefined && (was === undefined || is < was)) add('breaking', `${path}/${keyword}`, `${keyword} lowered from ${was ?? 'none'} to ${is} (narrowed limit)`)
    else add('additive', `${path}/${keyword}`, `${keyword} raised from ${was} to ${is ?? 'none'} (widened limit)`)
  }
  for (const keyword of LIMITS_LOWER) {
    const was = before[keyword] as number | undefined
    const is = after[keyword] as number | undefined
    if (was === is) continue
    if (is !== undefined && (was === undefined || is > was)) add('breaking', `${path}/${keyword}`, `${keyword} raised from ${was ?? 'none'} to ${is} (narrowed limit)`)
    else add('additive', `${path}/${keyword}`, `${keyword} lowered from ${was} to ${is ?? 'none'} (widened limit)`)
  }
}

function describeBranch(branch: Node): string {
  return 'const' in branch ? JSON.stringify(branch.const) : typeof branch.$ref === 'string' ? branch.$ref : describe(branch.type)
}

function describe(value: unknown): string {
  return value === undefined ? 'any' : JSON.stringify(value)
}

function record(value: unknown): Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Node) : {}
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

function list(value: unknown): Node[] {
  return Array.isArray(value) ? (value as Node[]) : []
}
