// The PeerJS server (npm `peer`, as `peerjs --port` runs it) for the relay and memory sections:
// on loopback, with the limits that would get in the bench's way raised. Its concurrent-user
// limit (5,000 by default) would refuse half of the memory section's 10,000 peers, and its
// 90-second liveness timeout expects the client's HEARTBEAT, which the generator does not send.
import { PeerServer } from 'peer'

PeerServer({ host: '127.0.0.1', port: 0, path: '/', key: 'peerjs', concurrent_limit: 1_000_000, alive_timeout: 3_600_000 }, (server) => {
  console.log(`listening ${server.address().port}`)
})
