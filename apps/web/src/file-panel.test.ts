import { describe, expect, it } from 'vitest'
import { describeProgress, formatBytes } from './file-panel.js'

describe('describeProgress', () => {
  it('gives the whole percentage and the speed since the start', () => {
    expect(describeProgress(5 * 1024 * 1024, 20 * 1024 * 1024, 2000)).toBe('25 % · 2.5 MB/s')
    expect(describeProgress(999, 1000, 1000)).toBe('99 % · 999 B/s')
  })

  it('says nothing about speed before any time has passed, and 0 % of an empty file', () => {
    expect(describeProgress(0, 0, 0)).toBe('0 % · …')
  })

  it('formats sizes in B, KB and MB', () => {
    expect([formatBytes(10), formatBytes(2048), formatBytes(3 * 1024 * 1024)]).toEqual(['10 B', '2.0 KB', '3.0 MB'])
  })
})
