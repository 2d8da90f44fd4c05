import { expect, it } from 'vitest'
import WebSocket from 'ws'
import { PeerlaneClient } from '../src/client.js'
import { useVideoQuality } from '../src/video-quality.js'

it('tells a listener subscribed right after useVideoQuality the preset in effect', async () => {
  const client = new PeerlaneClient({ url: 'ws://127.0.0.1:9', WebSocket, logLevel: 'silent' })
  const quality = useVideoQuality(client)
  const seen: string[] = []
  quality.on('quality', (preset) => seen.push(preset))
  await Promise.resolve()
  expect(seen).toEqual(['high'])
  expect(quality.effective).toBe('high')
  await quality.set('low')
  expect(seen).toEqual(['high', 'low'])
  expect(quality.preset).toBe('low')
  quality.close()
})
