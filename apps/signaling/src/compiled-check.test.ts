// The compiled check must decide exactly what the protocol's validator decides: on the golden
// vectors, on the fuzz corpus, and on values generated from every message schema to sit on both
// sides of each of its constraints.
import { decode, protocolJsonSchema, validate, type Sender } from '@peerlane/protocol'
import { frozenV1Vectors, invalidVectors, validVectors } from '@peerlane/protocol/vectors'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fuzzCaseArbitrary } from '@peerlane/protocol/testing'
import { compileCheck, type SchemaNode } from './compiled-check.js'
import { decodeFrame } from './frame-pipeline.js'

const DEFS = Object.entries(protocolJsonSchema().$defs as Record<string, SchemaNode>).filter(([name]) => name.includes('.'))

describe('decodeFrame gives what the protocol’s decode gives', () => {
  const vectors = [...validVectors(), ...invalidVectors(), ...frozenV1Vectors()].filter((vector) => vector.from === 'client')

  it.each(vectors.map((vector) => [vector.name, vector.frame] as const))('golden vector %s', (_name, frame) => {
    expect(decodeFrame(frame)).toEqual(decode(frame, 'client'))
  })

  it('for the fuzz corpus', () => {
    const corpus = fuzzCaseArbitrary({ room: 'fuzz-room', maxPayload: 64 * 1024 }, ['awkward-valid', 'hostile-value', 'wrong-type', 'truncated-json', 'random-text', 'deep-nesting'])
    let accepted = 0
    let frames = 0
    for (const fuzzCase of fc.sample(corpus, { seed: 7, numRuns: 3_000 })) {
      for (const frame of fuzzCase.frames) {
        const text = frame.data.toString('utf8')
        const expected = decode(text, 'client')
        const actual = decodeFrame(text)
        // Both parse the same text, so accepted messages are equal; a deeply nested one (in
        // `from`, which takes any value) is past what a deep equality can recurse through.
        expect(actual.ok).toBe(expected.ok)
        if (!actual.ok && !expected.ok) expect(actual.error).toEqual(expected.error)
        frames++
        if (expected.ok) accepted++
      }
    }
    // Both sides of the schema are exercised, not only rejections.
    expect(accepted).toBeGreaterThan(frames / 10)
    expect(frames - accepted).toBeGreaterThan(frames / 10)
  })
})

describe('compileCheck decides as the protocol’s validator does', () => {
  it.each(DEFS.map(([name, schema]) => [name, schema] as const))('%s, on values at both sides of every constraint', (name, schema) => {
    const [sender, type] = name.split('.') as [Sender, string]
    const check = compileCheck(schema)
    let accepted = 0
    fc.assert(
      fc.property(fc.oneof(near(schema, false), near(schema, true)), (value) => {
        // `validate` picks the schema by `type`; a value whose type strayed is another message's.
        fc.pre(typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type)
        const expected = validate(value, sender).ok
        expect(check(value)).toBe(expected)
        if (expected) accepted++
      }),
      { numRuns: 400 },
    )
    expect(accepted).toBeGreaterThan(0)
  })
})

/**
 * Values near `schema`: with `bend`, mostly conforming and each constraint broken now and then;
 * without, conforming as far as a generator can tell (patterns with lookaheads aside).
 */
function near(schema: SchemaNode, bend: boolean, depth = 0): fc.Arbitrary<unknown> {
  const other = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constantFrom(Number.NaN, -0, Number.POSITIVE_INFINITY, 1.5, '', [], {}))
  const mostly = (arbitrary: fc.Arbitrary<unknown>) => (bend ? fc.oneof({ weight: 12, arbitrary }, { weight: 1, arbitrary: other }) : arbitrary)
  if (depth > 6) return other
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((branch) => near(branch, bend, depth + 1)))
  if ('const' in schema) return mostly(bend ? fc.oneof({ weight: 10, arbitrary: fc.constant(schema.const) }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) }) : fc.constant(schema.const))
  switch (schema.type) {
    case 'string':
      return mostly(stringNear(schema, bend))
    case 'integer':
    case 'number': {
      const low = schema.minimum ?? -1e6
      const high = schema.maximum ?? 1e6
      const within = fc.integer({ min: Math.ceil(low), max: Math.floor(high) })
      return mostly(bend ? fc.oneof(within, fc.constantFrom(low - 1, high + 1, low, high, low + 0.5), fc.double({ min: low - 2, max: high + 2, noNaN: true })) : within)
    }
    case 'boolean':
      return mostly(fc.boolean())
    case 'null':
      return mostly(fc.constant(null))
    case 'array':
      return mostly(fc.array(schema.items ? near(schema.items, bend, depth + 1) : fc.jsonValue({ maxDepth: 1 }), { maxLength: 4 }))
    case 'object':
      return mostly(objectNear(schema, bend, depth))
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

function stringNear(schema: SchemaNode, bend: boolean): fc.Arbitrary<string> {
  const { minLength = 0, maxLength, pattern } = schema
  if (!bend) {
    if (pattern !== undefined) return matching(pattern)
    return fc.tuple(fc.constantFrom(minLength, Math.min(maxLength ?? minLength + 8, minLength + 8), maxLength ?? minLength), fc.constantFrom('a', '😀', ' ')).map(([n, unit]) => unit.repeat(n))
  }
  // Lengths at each bound, counted in code points: a string of astral characters is twice as
  // long in UTF-16 as in code points, which is where a wrong length shortcut would show.
  const lengths = [minLength - 1, minLength, minLength + 1, ...(maxLength === undefined ? [8] : [maxLength - 1, maxLength, maxLength + 1])].filter((n) => n >= 0)
  const ofLength = fc.tuple(fc.constantFrom(...lengths), fc.constantFrom('a', '😀', '-', ' ', 'é')).map(([n, unit]) => unit.repeat(n))
  const arbitraries: fc.Arbitrary<string>[] = [ofLength, fc.string({ unit: 'binary', maxLength: Math.min(maxLength ?? 16, 64) + 2 })]
  if (pattern !== undefined) arbitraries.push(matching(pattern))
  return fc.oneof(...arbitraries)
}

// fast-check cannot generate from every pattern (lookaheads); those get the other strings only.
function matching(pattern: string): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern, 'u'))
  } catch {
    return fc.string({ maxLength: 8 })
  }
}

function objectNear(schema: SchemaNode, bend: boolean, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, property]) => [key, near(property, bend, depth + 1)]))
  const required = schema.required ?? []
  const record = fc.record(properties, { requiredKeys: required.filter((key) => key in properties) })
  if (!bend) return record
  // Now and then a required key goes missing, or a key the schema does not name comes along.
  return fc
    .tuple(record, fc.option(fc.constantFrom(...required, 'extra', '__proto__', 'toString'), { freq: 6 }), fc.boolean())
    .map(([value, key, drop]) => {
      if (key === null) return value
      const copy: Record<string, unknown> = { ...value }
      if (drop) delete copy[key]
      else Object.defineProperty(copy, key, { value: 1, enumerable: true, configurable: true, writable: true })
      return copy
    })
}
