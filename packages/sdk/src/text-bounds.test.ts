import { describe, expect, it } from 'vitest'
import { truncateText, utf8Length } from './text-bounds.js'

describe('truncateText', () => {
  it('cuts to the character cap without splitting a surrogate pair', () => {
    expect(truncateText('abcdef', 4)).toBe('abcd')
    expect(truncateText('😀😀😀', 3)).toBe('😀')
    expect(truncateText('short', 255)).toBe('short')
  })

  it('counts UTF-8 bytes', () => {
    expect(utf8Length('é😀')).toBe(6)
  })
})
