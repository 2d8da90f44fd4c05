import { describe, expect, it } from 'vitest'
import { CAPABILITIES } from '@peerlane/sdk'
import { deniedControls } from './capability-gates.js'

describe('capability gates', () => {
  it('deny nothing to a session with every capability (open mode, or a server that predates them)', () => {
    expect(deniedControls(CAPABILITIES)).toEqual({})
  })

  it('explain each control a missing grant turns off, and only those', () => {
    const denied = deniedControls(['publish-audio', 'room-admin'])
    expect(Object.keys(denied).sort()).toEqual(['camera', 'files', 'share'])
    expect(denied.share).toMatch(/sharing your screen/)
    expect(deniedControls([])).toMatchObject({ mic: expect.stringMatching(/sound/), camera: expect.stringMatching(/video/) })
  })
})
