/**
 * A small validator for the JSON Schema subset the protocol's schemas use. It walks the
 * committed JSON Schema as plain data, so browsers get validation without TypeBox's runtime
 * and without code generation (`new Function` is forbidden under a strict CSP).
 */
export interface JsonSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null'
  readonly const?: unknown
  readonly anyOf?: readonly JsonSchema[]
  readonly properties?: Readonly<Record<string, JsonSchema>>
  readonly required?: readonly string[]
  readonly additionalProperties?: boolean
  readonly items?: JsonSchema
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  readonly minimum?: number
  readonly maximum?: number
  readonly description?: string
}

/** Every keyword `firstError` understands; a test keeps the committed schema within them. */
export const CHECKED_KEYWORDS = [
  'type', 'const', 'anyOf', 'properties', 'required', 'additionalProperties', 'items',
  'minLength', 'maxLength', 'pattern', 'minimum', 'maximum',
] as const

export interface SchemaError {
  /** JSON Pointer to the offending value. */
  readonly path: string
  readonly message: string
}

const patterns = new WeakMap<JsonSchema, RegExp>()

/** The first place where `value` breaks `schema`, or `undefined` when it conforms. */
export function firstError(schema: JsonSchema, value: unknown, path = ''): SchemaError | undefined {
  if (schema.anyOf) return unionError(schema, schema.anyOf, value, path)
  if ('const' in schema && value !== schema.const) return { path, message: `Expected ${JSON.stringify(schema.const)}` }
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' ? stringError(schema, value, path) : expected('string', path)
    case 'integer':
      return Number.isInteger(value) ? rangeError(schema, value as number, path) : expected('integer', path)
    case 'number':
      return Number.isFinite(value) ? rangeError(schema, value as number, path) : expected('number', path)
    case 'boolean':
      return typeof value === 'boolean' ? undefined : expected('boolean', path)
    case 'null':
      return value === null ? undefined : expected('null', path)
    case 'array':
      return Array.isArray(value) ? arrayError(schema, value, path) : expected('array', path)
    case 'object':
      return isRecord(value) ? objectError(schema, value, path) : expected('object', path)
    default:
      return undefined
  }
}

function expected(what: string, path: string): SchemaError {
  return { path, message: `Expected ${what}` }
}

function stringError(schema: JsonSchema, value: string, path: string): SchemaError | undefined {
  // JSON Schema counts code points. UTF-16 length is between one and two times that, so the
  // (slower) count runs only when the cheap length cannot decide.
  const { minLength, maxLength } = schema
  if (minLength !== undefined && value.length < minLength * 2 && codePoints(value) < minLength) {
    return { path, message: `Expected string of at least ${minLength} characters` }
  }
  if (maxLength !== undefined && value.length > maxLength && codePoints(value) > maxLength) {
    return { path, message: `Expected string of at most ${maxLength} characters` }
  }
  if (schema.pattern !== undefined) {
    let regex = patterns.get(schema)
    if (!regex) patterns.set(schema, (regex = new RegExp(schema.pattern, 'u')))
    if (!regex.test(value)) return { path, message: `Expected string matching ${schema.pattern}` }
  }
  return undefined
}

function codePoints(value: string): number {
  let count = 0
  for (const _ of value) count++
  return count
}

function rangeError(schema: JsonSchema, value: number, path: string): SchemaError | undefined {
  if (schema.minimum !== undefined && value < schema.minimum) return { path, message: `Expected number ≥ ${schema.minimum}` }
  if (schema.maximum !== undefined && value > schema.maximum) return { path, message: `Expected number ≤ ${schema.maximum}` }
  return undefined
}

function arrayError(schema: JsonSchema, value: readonly unknown[], path: string): SchemaError | undefined {
  if (!schema.items) return undefined
  for (let i = 0; i < value.length; i++) {
    const error = firstError(schema.items, value[i], `${path}/${i}`)
    if (error) return error
  }
  return undefined
}

function objectError(schema: JsonSchema, value: Record<string, unknown>, path: string): SchemaError | undefined {
  const properties = schema.properties ?? {}
  for (const key of schema.required ?? []) {
    if (!Object.hasOwn(value, key)) return { path: `${path}/${escape(key)}`, message: 'Expected required property' }
  }
  for (const [key, propertySchema] of Object.entries(properties)) {
    if (!Object.hasOwn(value, key)) continue
    const error = firstError(propertySchema, value[key], `${path}/${escape(key)}`)
    if (error) return error
  }
  if (schema.additionalProperties === false) {
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(properties, key)) return { path: `${path}/${escape(key)}`, message: 'Unexpected property' }
    }
  }
  return undefined
}

// A value that fits no branch: report the branch that got furthest into the value (the deepest
// error), which names the field actually wrong; if none got past this point, say what fits here.
function unionError(schema: JsonSchema, branches: readonly JsonSchema[], value: unknown, path: string): SchemaError | undefined {
  let best: SchemaError | undefined
  for (const branch of branches) {
    const error = firstError(branch, value, path)
    if (!error) return undefined
    if (error.path.length > (best?.path.length ?? path.length)) best = error
  }
  if (best) return best
  const message = schema.description
    ? `Expected ${schema.description.charAt(0).toLowerCase()}${schema.description.slice(1)}`
    : `Expected one of: ${branches.map(describeBranch).join(', ')}`
  return { path, message }
}

function describeBranch(schema: JsonSchema): string {
  return 'const' in schema ? JSON.stringify(schema.const) : (schema.type ?? 'any value')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function escape(key: string): string {
  // Hot path: nearly every key needs no escaping, so skip the two replaces for those.
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key
}
