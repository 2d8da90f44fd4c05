// The results as markdown: one table per section, each figure a median with its spread, each
// target with how far it is met or missed.
const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`
const spread = (s, digits = 2) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`
const verdict = (measured, target) => {
  const ratio = measured / target
  return ratio <= 1 ? `met (${(100 - ratio * 100).toFixed(0)}% under)` : `missed by ${((ratio - 1) * 100).toFixed(0)}%`
}

// CPU per relayed message as a ratio to each compared server (same run): the raw relay and PeerJS.
export const TARGETS = { cpuRatio: { baseline: 1.2, peerjs: 0.8 }, bytesPerIdlePeer: 8 * 1024, idlePeerRatio: 1.2, sdkGzipBytes: 10 * 1024, firstFrameMs: 300 }

export function renderMarkdown(results) {
  const { machine, relay, memory, sdk, firstFrame, validation, flood } = results
  const out = []
  out.push(`# Peerlane bench — ${results.date}`, '')
  out.push(`Machine: ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; ${machine.network}. Load average (1 min) ${machine.loadAverage1m.atStart} at start, ${machine.loadAverage1m.atEnd} at end. Total run ${results.durationS} s.`, '')
  out.push('Figures are medians; parentheses give min–max over the repeats. Ratios compare against baselines measured in this same run.', '')

  if (relay) {
    const servers = ['peerlane', 'peerjs', 'baseline']
    const ratioCell = (row, other) => {
      const perRepeat = row.cpuRatioPerRepeat[other]
      return `**${row.cpuRatio[other].toFixed(3)}×** (${perRepeat.min.toFixed(3)}–${perRepeat.max.toFixed(3)}) ${verdict(row.cpuRatio[other], TARGETS.cpuRatio[other])}`
    }
    out.push('## 1. Relay cost and latency (server CPU per relayed message)', '')
    out.push(`${relay.repeats} repeats × ${relay.durationMs / 1000} s measured after ${relay.warmupMs / 1000} s warm-up, interleaved; same generator for every server (PeerJS in its own message format).`, '')
    out.push(`| scenario | server | CPU µs/msg | delivered msg/s | p50 ms | p99 ms | CPU ratio Peerlane/baseline (per-repeat min–max), target ≤ ${TARGETS.cpuRatio.baseline}× | CPU ratio Peerlane/PeerJS (per-repeat min–max), target ≤ ${TARGETS.cpuRatio.peerjs}× |`)
    out.push('|---|---|---|---|---|---|---|---|')
    for (const row of relay.summary) {
      for (const server of servers) {
        const s = row[server]
        const first = server === 'peerlane'
        out.push(`| ${first ? row.label : ''} | ${server} | ${spread(s.cpuMicrosPerMessage)} | ${spread(s.throughput, 0)} | ${spread(s.p50, 3)} | ${spread(s.p99, 3)} | ${first ? ratioCell(row, 'baseline') : ''} | ${first ? ratioCell(row, 'peerjs') : ''} |`)
      }
    }
    out.push('')
  }

  if (memory) {
    const perPeer = (server) => memory[server].rssPerPeerBytes
    out.push(`## 2. Idle memory per joined peer (${memory.peers.toLocaleString('en')} peers, pairs)`, '')
    out.push(`| server | connected | RSS / peer | heap / peer | RSS before → after (median) | target ≤ ${kib(TARGETS.bytesPerIdlePeer)} (RSS) | RSS ratio to bare \`ws\`, target ≤ ${TARGETS.idlePeerRatio}× for Peerlane |`)
    out.push('|---|---|---|---|---|---|---|')
    for (const server of ['peerlane', 'peerjs', 'baseline']) {
      const m = memory[server]
      if (!m) continue
      const ratio = perPeer(server) / perPeer('baseline')
      const heap = m.heapPerPeerBytes === undefined ? 'n/a (RSS only)' : kib(m.heapPerPeerBytes)
      const target = server === 'peerlane' ? verdict(m.rssPerPeerBytes, TARGETS.bytesPerIdlePeer) : ''
      const ratioCell = server === 'peerlane' ? `**${ratio.toFixed(2)}×** ${verdict(ratio, TARGETS.idlePeerRatio)}` : server === 'baseline' ? '' : `${ratio.toFixed(2)}×`
      out.push(`| ${server} | ${m.connected} | ${kib(m.rssPerPeerBytes)} | ${heap} | ${(m.rssBefore.median / 2 ** 20).toFixed(1)} → ${(m.rssAfter.median / 2 ** 20).toFixed(1)} MiB | ${target} | ${ratioCell} |`)
    }
    out.push('')
  }

  if (sdk) {
    out.push('## 3. SDK size (`@peerlane/sdk` dist/index.js + protocol, esbuild, browser, minified)', '')
    out.push('| minified | gzip -9 | brotli -11 | target ≤ 10 KiB min+gz | minified bytes by package |')
    out.push('|---|---|---|---|---|')
    const parts = Object.entries(sdk.minifiedBytesByPackage).map(([name, bytes]) => `${name}: ${bytes}`).join(', ')
    out.push(`| ${kib(sdk.minifiedBytes)} | ${kib(sdk.gzipBytes)} | ${kib(sdk.brotliBytes)} | ${verdict(sdk.gzipBytes, TARGETS.sdkGzipBytes)} | ${parts} |`, '')
  }

  if (firstFrame) {
    out.push(`## 4. Time to first remote frame (${firstFrame.browser}, join() → first decoded remote video frame)`, '')
    out.push('| calls | median | p90 | min–max | target median ≤ 300 ms |')
    out.push('|---|---|---|---|---|')
    const f = firstFrame.ms
    out.push(`| ${firstFrame.calls} | ${f.median.toFixed(0)} ms | ${f.p90.toFixed(0)} ms | ${f.min.toFixed(0)}–${f.max.toFixed(0)} ms | ${verdict(f.median, TARGETS.firstFrameMs)} |`, '')
  }

  if (validation) {
    out.push('## 5. Validation cost (`decode(text, "client")` vs `JSON.parse` alone)', '')
    out.push('| message | bytes | decode+validate /s | JSON.parse /s | cost vs JSON.parse |')
    out.push('|---|---|---|---|---|')
    for (const [type, row] of Object.entries(validation)) {
      const k = (s) => `${Math.round(s.median / 1000).toLocaleString('en')}k (${Math.round(s.min / 1000)}–${Math.round(s.max / 1000)}k)`
      out.push(`| ${type} | ${row.bytes} | ${k(row.decodeOps)} | ${k(row.parseOps)} | ${row.costRatio.toFixed(2)}× |`)
    }
    out.push('')
  }

  if (flood) {
    out.push('## 6. A well-behaved pair under a flood (server with its default abuse limits)', '')
    out.push(`${flood.repeats} repeats × ${flood.durationMs / 1000} s; the pair relays ${flood.pairRate} msg/s in one room while one connection in another room sends as fast as it can, reconnecting whenever it is thrown out.`, '')
    out.push('| pair latency | idle | under flood | ratio |')
    out.push('|---|---|---|---|')
    out.push(`| p50 ms | ${spread(flood.idle.p50, 3)} | ${spread(flood.flooded.p50, 3)} | ${flood.p50Ratio.toFixed(2)}× |`)
    out.push(`| p99 ms | ${spread(flood.idle.p99, 3)} | ${spread(flood.flooded.p99, 3)} | ${flood.p99Ratio.toFixed(2)}× |`, '')
    out.push(`Pair messages lost: ${flood.pairLost}. Flood frames sent per repeat: ${spread(flood.flood.sent, 0)}; rate-limited replies: ${spread(flood.flood.rateLimited, 0)}; flooder connections closed by the server: ${spread(flood.flood.closedByServer, 0)}.`, '')
  }
  return out.join('\n')
}
