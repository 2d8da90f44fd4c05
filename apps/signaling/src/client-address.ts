import type { IncomingMessage } from 'node:http'
import { BlockList, isIP } from 'node:net'

export interface ClientAddressConfig {
  /** Addresses or CIDR ranges of trusted reverse proxies; empty: `X-Forwarded-For` is never read. */
  readonly trustProxy: readonly string[]
}

/**
 * The address every per-IP limit counts against. Without trusted proxies it is the TCP peer:
 * anyone can write `X-Forwarded-For`, so believing it would let one client pose as many.
 *
 * When the TCP peer is a trusted proxy, `X-Forwarded-For` is walked from the right: each proxy
 * appends the address it received the request from, so the rightmost hop that is not itself a
 * trusted proxy is the first address no trusted party vouches against — the client. Hops to its
 * left were written by that client and are ignored. If every hop is trusted, the leftmost one is
 * the client; a hop that is not an IP address stops the walk at the proxy that reported it.
 */
export function clientAddress(request: Pick<IncomingMessage, 'headers' | 'socket'>, config: ClientAddressConfig): string {
  const peer = normalizeAddress(request.socket.remoteAddress ?? '')
  if (config.trustProxy.length === 0) return peer
  const trusted = trustedProxies(config.trustProxy)
  if (!isTrusted(trusted, peer)) return peer
  // Node joins repeated X-Forwarded-For headers with ", " in arrival order.
  const header = request.headers['x-forwarded-for']
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '').split(',')
  let client = peer
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = normalizeAddress(hops[index]?.trim() ?? '')
    if (isIP(hop) === 0) return client
    client = hop
    if (!isTrusted(trusted, hop)) return hop
  }
  return client
}

/**
 * The key per-IP limits count under: the address itself for IPv4, its /64 for IPv6, since one
 * subscriber is routinely given a whole /64 and could otherwise rotate through 2^64 addresses.
 */
export function limitKey(raw: string): string {
  const address = normalizeAddress(raw)
  if (isIP(address) !== 6) return address
  const [head = '', tail] = address.split('::')
  const groups = (part: string | undefined): string[] => (part === undefined || part === '' ? [] : part.split(':'))
  const left = groups(head)
  // An embedded dotted IPv4 tail fills two groups; it only ever sits in the low 64 bits.
  const right = groups(tail).flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]))
  const all = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${all.slice(0, 4).map((group) => Number.parseInt(group, 16).toString(16)).join(':')}::/64`
}

/** True when the TCP peer `address` is one of the trusted proxies of `config`. */
export function isTrustedProxy(address: string, config: ClientAddressConfig): boolean {
  return config.trustProxy.length > 0 && isTrusted(trustedProxies(config.trustProxy), normalizeAddress(address))
}

/** True when `entry` is an IP address or a CIDR range (`10.0.0.0/8`, `fd00::/8`) usable in `trustProxy`. */
export function isProxyEntry(entry: string): boolean {
  return parseEntry(entry) !== undefined
}

/** Lower-cased, without brackets, port or the IPv4-mapped IPv6 prefix (`::ffff:1.2.3.4` is `1.2.3.4`). */
function normalizeAddress(raw: string): string {
  let address = raw.toLowerCase()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address)
  if (bracketed?.[1] !== undefined) address = bracketed[1]
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'))
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) address = address.slice(7)
  return address
}

function parseEntry(entry: string): { address: string; family: 'ipv4' | 'ipv6'; prefix: number | undefined } | undefined {
  const [rawAddress = '', prefixText, extra] = entry.trim().split('/')
  const address = normalizeAddress(rawAddress)
  const version = isIP(address)
  if (version === 0 || extra !== undefined) return undefined
  const family = version === 4 ? 'ipv4' : 'ipv6'
  if (prefixText === undefined) return { address, family, prefix: undefined }
  const prefix = Number(prefixText)
  if (!/^\d+$/.test(prefixText) || prefix > (version === 4 ? 32 : 128)) return undefined
  return { address, family, prefix }
}

const lists = new WeakMap<readonly string[], BlockList>()

function trustedProxies(entries: readonly string[]): BlockList {
  let list = lists.get(entries)
  if (list) return list
  list = new BlockList()
  for (const entry of entries) {
    const parsed = parseEntry(entry)
    if (!parsed) continue
    if (parsed.prefix === undefined) list.addAddress(parsed.address, parsed.family)
    else list.addSubnet(parsed.address, parsed.prefix, parsed.family)
  }
  lists.set(entries, list)
  return list
}

function isTrusted(list: BlockList, address: string): boolean {
  const version = isIP(address)
  return version !== 0 && list.check(address, version === 4 ? 'ipv4' : 'ipv6')
}
