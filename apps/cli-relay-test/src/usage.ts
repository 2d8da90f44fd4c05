export const DEFAULTS = {
  stepTimeoutMs: 10_000,
  roundTrips: 5,
  peers: 2,
  rate: 100,
  durationMs: 10_000,
  warmupMs: 1_000,
  window: 1,
  connectTimeoutMs: 10_000,
  connectConcurrency: 100,
  drainTimeoutMs: 5_000,
  fuzzCases: 500,
  maxPayload: 64 * 1024,
  caseTimeoutMs: 2_000,
  // Two frames a case (input and barrier ping): 25 cases stay inside a 50-frame/s server's burst.
  casesPerConnection: 25,
  progressIntervalMs: 1_000,
} as const

export const MAIN_USAGE = `Usage: peerlane-relay-test <command> <url> [options]

Tests a Peerlane signaling deployment from the outside.

Commands:
  check <url>   two WebRTC peers join, negotiate, open a data channel and echo messages; timed per step
  load <url>    synthetic peers relay offer/answer/candidate-sized messages; throughput and latency
  fuzz <url>    hostile frames; each must get a typed error or a documented close, and the server must survive

<url> is the WebSocket URL (ws://host:port/ws or wss://…); http(s):// is accepted and mapped to ws(s)://.
Run "peerlane-relay-test <command> --help" for a command's options.

Exit codes: 0 passed, 1 failed (the report says why), 2 bad usage.
`

export const CHECK_USAGE = `Usage: peerlane-relay-test check <url> [options]

Two peers built on @peerlane/sdk (WebRTC in Node via werift) join a fresh room, negotiate, open a
data channel and echo messages over it. Prints every step with its time and the ICE candidate
types used; exits 0 only when the whole path works, otherwise 1 naming the failing step:
websocket, welcome, second-peer, offer-answer, ice-connected, data-channel, round-trip.

Options:
  --room <name>        room to use (default: a fresh random relay-test-… room; it must be empty)
  --token <token>      join token, for deployments that require one
  --timeout <time>     time limit of each step (default ${DEFAULTS.stepTimeoutMs / 1000}s)
  --round-trips <n>    data-channel messages to echo (default ${DEFAULTS.roundTrips})
  --json               print the report as JSON
  -h, --help           show this help
`

export const LOAD_USAGE = `Usage: peerlane-relay-test load <url> [options]

Synthetic peers speaking the protocol over WebSocket, spread over rooms, relay stamped
offer/answer/candidate-sized messages to each other. Reports delivered messages per second,
latency percentiles (p50/p90/p99/max), error frames by code and connection failures.
Exits 1 when a peer cannot connect or a message is lost; at once when no peer connects, and
saying so when the run stalled on the server's rate limit.

Options:
  --peers <n>          synthetic peers (default ${DEFAULTS.peers})
  --rooms <n>          rooms to spread them over (default: peers / 2, i.e. pairs)
  --rate <n|max>       aggregate messages per second on a fixed schedule (open loop), or max:
                       every delivery triggers the next message (closed loop) (default ${DEFAULTS.rate})
  --duration <time>    measured window, e.g. 30s, 500ms, 2m (default ${DEFAULTS.durationMs / 1000}s)
  --warmup <time>      load before the measured window (default ${DEFAULTS.warmupMs / 1000}s)
  --window <n>         closed loop: messages each peer keeps in flight (default ${DEFAULTS.window})
  --handshake <kind>   join (Peerlane: join, then address peers with "to"), url-room
                       (tutorial relays: ?room= in the URL, broadcast) or peerjs (a PeerJS
                       server, url ending in /peerjs: ?key=&id=&token=, OFFER/ANSWER/CANDIDATE
                       addressed with "dst"; key peerjs unless the url names one) (default join)
  --token <token>      join token, for deployments that require one
  --connect-timeout <time>  per-peer connect and join limit (default ${DEFAULTS.connectTimeoutMs / 1000}s)
  --json               print the report as JSON (progress still goes to stderr)
  -h, --help           show this help
`

export const FUZZ_USAGE = `Usage: peerlane-relay-test fuzz <url> [options]

Sends hostile frames: random bytes, invalid UTF-8, truncated JSON, deep nesting, huge strings,
oversized frames, wrong types in every field, valid messages with hostile values, binary frames
and floods. Each must be answered with a typed error or a documented close code, every frame the
server sends must be a valid server message, and the server must still answer afterwards.
The run is reproducible from its seed. Fuzzing sockets join rooms of their own (relay-test-fuzz-…).

Options:
  --frames <n>         hostile inputs to send; a flood counts as one (default ${DEFAULTS.fuzzCases})
  --seed <n>           seed of the run (default: random, printed so you can replay it)
  --max-payload <bytes>  the server's frame limit (default ${DEFAULTS.maxPayload})
  --timeout <time>     how long the server may take to answer one input (default ${DEFAULTS.caseTimeoutMs / 1000}s)
  --json               print the summary as JSON (progress goes to stderr, about once a second)
  -h, --help           show this help
`
