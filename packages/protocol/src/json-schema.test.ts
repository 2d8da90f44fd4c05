import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { COMPACT_SCHEMA_FILES, JSON_SCHEMA_FILE, compactJsonSchemaText, protocolJsonSchema, protocolJsonSchemaText } from './json-schema.js'
import { invalidVectors, validVectors } from './vectors.js'

const committed = readFileSync(new URL(`../schema/${JSON_SCHEMA_FILE}`, import.meta.url), 'utf8')

describe('committed JSON Schema', () => {
  it('matches the schema generated from the TypeBox definitions', () => {
    // On failure: run `pnpm --filter @peerlane/protocol schema:write`, review the diff, and add a changeset.
    expect(committed).toBe(protocolJsonSchemaText())
  })

  it.each(['client', 'server', 'peer'] as const)('has a committed compact schema of %s messages (what `decode` walks) derived from it', (sender) => {
    // On failure: run `pnpm --filter @peerlane/protocol schema:write`.
    const compact = readFileSync(new URL(`../schema/${COMPACT_SCHEMA_FILES[sender]}`, import.meta.url), 'utf8')
    expect(compact).toBe(compactJsonSchemaText(sender))
    const types = Object.keys(protocolJsonSchema().$defs as object).filter((name) => name.startsWith(`${sender}.`))
    expect(Object.keys((JSON.parse(compact) as { $defs: object }).$defs)).toEqual(types.map((name) => name.slice(sender.length + 1)))
  })

  it('keeps the compact schemas, together, under half the documented one', () => {
    const compact = Object.values(COMPACT_SCHEMA_FILES).map((file) => readFileSync(new URL(`../schema/${file}`, import.meta.url), 'utf8'))
    expect(compact.join('').length).toBeLessThan(committed.length / 2)
  })

  it('agrees with the golden vectors under an independent validator', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: false })
    const schema = protocolJsonSchema()
    ajv.addSchema(schema)
    const unions = { client: 'ClientMessage', server: 'ServerMessage', peer: 'PeerMessage' } as const
    const checker = (from: keyof typeof unions) => {
      const check = ajv.getSchema(`${String(schema.$id)}#/$defs/${unions[from]}`)
      if (!check) throw new Error(`no ${from} definition in the schema`)
      return check
    }
    for (const vector of validVectors()) expect(checker(vector.from)(JSON.parse(vector.frame)), vector.name).toBe(true)
    for (const vector of invalidVectors()) {
      if (vector.error?.code === 'bad-json') continue
      expect(checker(vector.from)(JSON.parse(vector.frame)), vector.name).toBe(false)
    }
  })
})
