import { describe, expect, it } from 'vitest'
import { IceConfiguration, type IcePeer } from '../src/ice-config.js'
import { createLogger } from '../src/logger.js'
import { LoopbackPeerConnection } from './werift.js'

const STUN = { urls: 'stun:127.0.0.1:3478' }
const turn = (username: string) => ({ urls: ['turn:127.0.0.1:3478?transport=udp'], username, credential: 'c2VjcmV0' })
const log = createLogger('test', 'silent')

/** A real (werift) connection, never negotiated, and how often the SDK restarted its ICE. */
function peer(configuration: RTCConfiguration): IcePeer & { restarts: number; close(): void } {
  const connection = new LoopbackPeerConnection(configuration)
  return {
    rawConnection: connection,
    restarts: 0,
    restartIce() {
      this.restarts++
    },
    close: () => connection.close(),
  }
}

describe('IceConfiguration', () => {
  it('configures new connections with the server list and the transport policy', () => {
    const ice = new IceConfiguration({ iceTransportPolicy: 'relay' }, log)
    ice.update([STUN, turn('100:a')], [])
    expect(ice.configuration).toEqual({ iceServers: [STUN, turn('100:a')], iceTransportPolicy: 'relay' })
  })

  it('applies a renewed list to live connections with setConfiguration, without an ICE restart when nothing is relayed', async () => {
    const ice = new IceConfiguration({}, log)
    ice.update([turn('100:a')], [])
    const live = peer(ice.configuration)
    try {
      ice.update([turn('200:a')], [live])
      await expect.poll(() => live.rawConnection.getConfiguration().iceServers).toEqual([turn('200:a')])
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(live.restarts).toBe(0)
    } finally {
      live.close()
    }
  })

  it('ignores the server list when the application fixed its own', async () => {
    const ice = new IceConfiguration({ iceServers: [STUN] }, log)
    const live = peer(ice.configuration)
    try {
      ice.update([turn('200:a')], [live])
      expect(ice.configuration.iceServers).toEqual([STUN])
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(live.rawConnection.getConfiguration().iceServers).toEqual([STUN])
    } finally {
      live.close()
    }
  })
})
