import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CLIENT_MESSAGES } from '../src/client-messages.js'
import { ERROR_CODE_LIST } from '../src/error-codes.js'
import { PEER_MESSAGES } from '../src/peer-messages.js'
import { SERVER_MESSAGES } from '../src/server-messages.js'
import { REFERENCE_FILE, protocolReference } from './page.js'

describe('docs/protocol.md', () => {
  const generated = protocolReference()

  it('is committed as generated', () => {
    // On failure: run `pnpm --filter @peerlane/protocol docs:write` and commit docs/protocol.md.
    expect(readFileSync(REFERENCE_FILE, 'utf8')).toBe(generated)
  })

  it('documents every message, every error code and the call sequence', () => {
    for (const type of Object.keys(CLIENT_MESSAGES)) expect(generated).toContain(`### \`client.${type}\``)
    for (const type of Object.keys(SERVER_MESSAGES)) expect(generated).toContain(`### \`server.${type}\``)
    for (const type of Object.keys(PEER_MESSAGES)) expect(generated).toContain(`### \`peer.${type}\``)
    for (const code of ERROR_CODE_LIST) expect(generated).toContain(`| \`${code}\` |`)
    expect(generated).toContain('sequenceDiagram')
    expect(generated).toMatch(/\| `peers\[\]\.name` \| string \| no \| length 1–64; pattern/)
  })
})
