import { PeerlaneClient, type RemotePeer } from '@peerlane/sdk'

// The signaling server serves this page and its WebSocket on one origin: ws on http, wss on https.
const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
const client = new PeerlaneClient({ url: `${scheme}://${location.host}/ws` })

// One <video> per participant, found by its peer id.
function tileFor(peer: RemotePeer): HTMLVideoElement {
  let video = document.querySelector<HTMLVideoElement>(`video[data-peer="${peer.id}"]`)
  if (!video) {
    video = document.createElement('video')
    video.dataset.peer = peer.id
    video.title = peer.name ?? peer.id
    video.autoplay = true
    video.playsInline = true
    document.body.append(video)
  }
  return video
}

// The SDK tells a peer's camera from its screen share; `camera` is null until it arrives.
client.on('streams', ({ peer, camera }) => {
  tileFor(peer).srcObject = camera
})
client.on('peer-left', (peer) => document.querySelector(`video[data-peer="${peer.id}"]`)?.remove())
client.on('error', (error) => console.warn(error.code, error.message))

const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true })
const room = new URLSearchParams(location.search).get('room') ?? 'hello'
await client.join(room, { name: 'Ada', stream })

// Stay in the call until the button is pressed (closing the page also leaves).
const leave = document.createElement('button')
leave.textContent = 'Leave'
leave.addEventListener('click', () => {
  client.leave()
  leave.disabled = true
})
document.body.append(leave)
