import { describe, expect, it } from 'vitest'
import { fitGrid } from './grid-layout.js'

const aspect = 16 / 9
const fits = (layout: ReturnType<typeof fitGrid>, width: number, height: number, gap: number) => {
  expect(layout.columns * layout.tileWidth + (layout.columns - 1) * gap).toBeLessThanOrEqual(width)
  expect(layout.rows * layout.tileHeight + (layout.rows - 1) * gap).toBeLessThanOrEqual(height)
}

describe('fitGrid', () => {
  it('gives one tile the whole height of a wide stage', () => {
    const layout = fitGrid({ width: 1300, height: 600, count: 1, gap: 8, aspect })
    expect(layout).toMatchObject({ columns: 1, rows: 1, tileHeight: 600 })
    expect(layout.tileWidth).toBe(Math.floor(600 * aspect))
  })

  it('puts two side by side on a laptop and one above the other on a phone', () => {
    expect(fitGrid({ width: 1340, height: 620, count: 2, gap: 8, aspect })).toMatchObject({ columns: 2, rows: 1 })
    expect(fitGrid({ width: 374, height: 650, count: 2, gap: 8, aspect })).toMatchObject({ columns: 1, rows: 2 })
  })

  it('makes four a 2×2 on a laptop and six 3×2, never a single long row', () => {
    expect(fitGrid({ width: 1340, height: 620, count: 4, gap: 8, aspect })).toMatchObject({ columns: 2, rows: 2 })
    expect(fitGrid({ width: 1340, height: 620, count: 6, gap: 8, aspect })).toMatchObject({ columns: 3, rows: 2 })
  })

  it('keeps every tile inside the box for 1–12 tiles at phone, laptop and landscape-phone sizes', () => {
    for (const [width, height] of [
      [374, 650],
      [1340, 620],
      [1900, 940],
      [830, 260],
    ] as const) {
      for (let count = 1; count <= 12; count++) {
        const layout = fitGrid({ width, height, count, gap: 8, aspect })
        expect(layout.columns * layout.rows).toBeGreaterThanOrEqual(count)
        expect(layout.tileWidth).toBeGreaterThan(0)
        fits(layout, width, height, 8)
      }
    }
  })

  it('returns a zero tile rather than a negative one when there is no room at all', () => {
    expect(fitGrid({ width: 0, height: 0, count: 3, gap: 8, aspect })).toMatchObject({ tileWidth: 0, tileHeight: 0 })
  })
})
