import { expect, it } from 'vitest'
// @ts-expect-error -- a plain .mjs script, shared with `pnpm bench`
import { CEILINGS, measureSdkSize } from '../scripts/bundle-size.mjs'

interface Size {
  readonly gzipBytes: number
}

it('a basic call and the full SDK stay within their size ceilings (min+gz)', async () => {
  const sizes = (await measureSdkSize()) as { basic: Size; full: Size }
  const ceilings = CEILINGS as { basic: number; full: number }
  expect(sizes.basic.gzipBytes).toBeLessThanOrEqual(ceilings.basic)
  expect(sizes.full.gzipBytes).toBeLessThanOrEqual(ceilings.full)
  // Tree-shaking works: the basic call leaves out what it does not use.
  expect(sizes.basic.gzipBytes).toBeLessThan(sizes.full.gzipBytes)
})
