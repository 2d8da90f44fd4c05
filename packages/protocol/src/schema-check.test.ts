import { describe, expect, it } from 'vitest'
import { CHECKED_KEYWORDS, firstError, type JsonSchema } from './schema-check.js'
import { protocolJsonSchema } from './json-schema.js'

const ANNOTATIONS = new Set(['description', 'title', '$id', '$schema'])

function keywords(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) keywords(item, found)
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      found.add(key)
      if (key === 'properties') for (const property of Object.values(value as object)) keywords(property, found)
      else if (key !== 'const') keywords(value, found)
    }
  }
  return found
}

describe('firstError', () => {
  it('understands every keyword the protocol schema uses', () => {
    const { $defs } = protocolJsonSchema() as { $defs: Record<string, unknown> }
    const messageDefs = Object.entries($defs).filter(([name]) => name.includes('.'))
    const used = keywords(messageDefs.map(([, def]) => def))
    const unknown = [...used].filter((k) => !ANNOTATIONS.has(k) && !(CHECKED_KEYWORDS as readonly string[]).includes(k))
    expect(unknown).toEqual([])
  })

  it('counts string length in code points, as JSON Schema does', () => {
    const schema: JsonSchema = { type: 'string', minLength: 2, maxLength: 3 }
    expect(firstError(schema, '😀😀😀')).toBeUndefined()
    expect(firstError(schema, '😀')).toMatchObject({ path: '' })
    expect(firstError(schema, '😀😀😀😀')).toMatchObject({ path: '' })
  })

  it('escapes property names in paths (RFC 6901)', () => {
    const schema: JsonSchema = { type: 'object', properties: {}, additionalProperties: false }
    expect(firstError(schema, { 'a/b~c': 1 })).toEqual({ path: '/a~1b~0c', message: 'Unexpected property' })
  })

  it('reports array items by index', () => {
    const schema: JsonSchema = { type: 'array', items: { type: 'integer', minimum: 0 } }
    expect(firstError(schema, [0, 1, -1])).toMatchObject({ path: '/2' })
    expect(firstError(schema, [0, 1.5])).toMatchObject({ path: '/1', message: 'Expected integer' })
  })

  it('rejects non-finite and non-numbers for number', () => {
    expect(firstError({ type: 'number' }, Number.NaN)).toBeDefined()
    expect(firstError({ type: 'number' }, '1')).toBeDefined()
    expect(firstError({ type: 'number' }, 1.5)).toBeUndefined()
  })

  it('does not treat inherited keys as present', () => {
    const schema: JsonSchema = { type: 'object', required: ['toString'], properties: {} }
    expect(firstError(schema, {})).toMatchObject({ path: '/toString', message: 'Expected required property' })
  })
})
