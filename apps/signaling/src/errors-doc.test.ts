import { readFile } from 'node:fs/promises'
import { CLOSE_CODES, ERROR_CODE_LIST } from '@peerlane/protocol'
import { describe, expect, it } from 'vitest'

const doc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8')
/** First cells of the tables' rows: `code` or 1009. */
const documented = new Set(doc.split('\n').flatMap((line) => /^\| ([^|]+?) \|[^|]*\S[^|]*\|/.exec(line)?.[1]?.replace(/`/g, '') ?? []))

describe('docs/errors.md', () => {
  it.each(ERROR_CODE_LIST)('documents the error code %s', (code) => {
    expect(documented).toContain(code)
  })

  it.each(Object.entries(CLOSE_CODES))('documents the close code %s (%i)', (_name, code) => {
    expect(documented).toContain(String(code))
  })
})
