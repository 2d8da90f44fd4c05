// The protocol's schema, compiled once into one closure per schema node that answers only "does
// it conform?". The protocol's `validate` walks the schema as data for every frame (a switch per
// node, an array of entries per object, a JSON Pointer string per property checked whether or not
// it fails); this allocates nothing when the frame is valid. It decides exactly what `validate`
// decides (a test checks them against each other); when it says no, `validate` is asked for the
// precise error, so errors read the same as ever.

/** The JSON Schema keywords the protocol's validator reads (its `CHECKED_KEYWORDS`); the rest are annotations. */
export interface SchemaNode {
  readonly type?: string
  readonly const?: unknown
  readonly anyOf?: readonly SchemaNode[]
  readonly properties?: Readonly<Record<string, SchemaNode>>
  readonly required?: readonly string[]
  readonly additionalProperties?: unknown
  readonly items?: SchemaNode
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: string
  readonly minimum?: number
  readonly maximum?: number
}

export type Check = (value: unknown) => boolean

const pass: Check = () => true

/** A check true exactly for the values the protocol's validator accepts under `schema`. */
export function compileCheck(schema: SchemaNode): Check {
  // As in the protocol's validator, a union node is its branches alone.
  if (schema.anyOf) return anyOf(schema.anyOf.map(compileCheck))
  const typed = typeCheck(schema)
  if (!('const' in schema)) return typed
  const expected = schema.const
  return (value) => value === expected && typed(value)
}

function anyOf(branches: readonly Check[]): Check {
  return (value) => {
    for (let i = 0; i < branches.length; i++) if ((branches[i] as Check)(value)) return true
    return false
  }
}

function typeCheck(schema: SchemaNode): Check {
  switch (schema.type) {
    case 'string':
      return stringCheck(schema)
    case 'integer': {
      const inRange = rangeCheck(schema)
      return (value) => Number.isInteger(value) && inRange(value as number)
    }
    case 'number': {
      const inRange = rangeCheck(schema)
      return (value) => Number.isFinite(value) && inRange(value as number)
    }
    case 'boolean':
      return (value) => typeof value === 'boolean'
    case 'null':
      return (value) => value === null
    case 'array':
      return arrayCheck(schema)
    case 'object':
      return objectCheck(schema)
    default:
      return pass
  }
}

function stringCheck(schema: SchemaNode): Check {
  const { minLength, maxLength, pattern } = schema
  const regex = pattern === undefined ? undefined : new RegExp(pattern, 'u')
  return (value) => {
    if (typeof value !== 'string') return false
    // Lengths count code points; UTF-16 length is between one and two times that, so the count
    // runs only when the cheap length cannot decide (the same shortcut as the protocol's).
    if (minLength !== undefined && value.length < minLength * 2 && codePoints(value) < minLength) return false
    if (maxLength !== undefined && value.length > maxLength && codePoints(value) > maxLength) return false
    return regex === undefined || regex.test(value)
  }
}

function codePoints(value: string): number {
  let count = 0
  for (const _ of value) count++
  return count
}

function rangeCheck(schema: SchemaNode): (value: number) => boolean {
  const { minimum, maximum } = schema
  if (minimum === undefined && maximum === undefined) return pass
  return (value) => !(minimum !== undefined && value < minimum) && !(maximum !== undefined && value > maximum)
}

function arrayCheck(schema: SchemaNode): Check {
  const item = schema.items ? compileCheck(schema.items) : undefined
  return (value) => {
    if (!Array.isArray(value)) return false
    if (item) for (let i = 0; i < value.length; i++) if (!item(value[i])) return false
    return true
  }
}

function objectCheck(schema: SchemaNode): Check {
  const required = schema.required ?? []
  const properties = Object.entries(schema.properties ?? {}).map(([key, property]) => [key, compileCheck(property)] as const)
  const known = new Map(properties)
  const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
  const hasRequired = (value: Record<string, unknown>): boolean => {
    for (let i = 0; i < required.length; i++) if (!Object.hasOwn(value, required[i] as string)) return false
    return true
  }
  if (schema.additionalProperties === false) {
    // Closed: one pass over the value's own keys checks each against its schema, and refuses
    // any key the schema does not name.
    return (value) => {
      if (!isRecord(value) || !hasRequired(value)) return false
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue
        const check = known.get(key)
        if (check === undefined || !check(value[key])) return false
      }
      return true
    }
  }
  return (value) => {
    if (!isRecord(value) || !hasRequired(value)) return false
    for (const [key, check] of properties) if (Object.hasOwn(value, key) && !check(value[key])) return false
    return true
  }
}
