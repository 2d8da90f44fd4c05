// The baseline relay: the classic tutorial broadcast relay (the `ws` README's broadcast example),
// text frames in, text frames out. One change, so that it does the same work per message as a
// server with rooms: clients are grouped by their connection URL (`/?room=x`) and a message goes
// to the others of that group only (the original loops over every client of the server, which
// makes each message cost O(all clients)). With every client on one URL it is the original.
import { WebSocket, WebSocketServer } from 'ws'

const rooms = new Map()
const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) })
wss.on('listening', () => console.log(`listening ${wss.address().port}`))
wss.on('connection', (ws, request) => {
  const room = rooms.get(request.url) ?? rooms.set(request.url, new Set()).get(request.url)
  room.add(ws)
  ws.on('error', console.error)
  ws.on('close', () => room.delete(ws))
  ws.on('message', (data, isBinary) => {
    for (const client of room) if (client !== ws && client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary })
  })
})
