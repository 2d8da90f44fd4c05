// The bench page: two SDK clients in one tab place a call through the real server, and the
// joiner times join() → first decoded remote video frame. Bundled by sections/first-frame.mjs.
import { PeerlaneClient } from '../../packages/sdk/dist/index.js'

const TIMEOUT_MS = 10_000

window.firstFrameCall = async (room) => {
  const url = `ws://${location.host}/ws`
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false })
  const host = new PeerlaneClient({ url, logLevel: 'silent' })
  const joiner = new PeerlaneClient({ url, logLevel: 'silent' })
  const video = document.createElement('video')
  video.muted = true
  video.playsInline = true
  document.body.append(video)
  try {
    await host.join(room, { stream })
    const firstFrame = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no remote frame within 10 s')), TIMEOUT_MS)
      joiner.on('track', ({ track, streams }) => {
        if (track.kind !== 'video') return
        video.srcObject = streams[0] ?? new MediaStream([track])
        video.requestVideoFrameCallback(() => {
          clearTimeout(timer)
          resolve(performance.now())
        })
        void video.play()
      })
    })
    const start = performance.now()
    await joiner.join(room, { stream })
    return (await firstFrame) - start
  } finally {
    joiner.leave()
    host.leave()
    for (const track of stream.getTracks()) track.stop()
    video.remove()
  }
}
