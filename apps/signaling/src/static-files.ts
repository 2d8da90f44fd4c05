import { realpath, stat } from 'node:fs/promises'
import { extname, join, sep } from 'node:path'

export type StaticResolution =
  | { readonly kind: 'file'; readonly file: string; readonly size: number; readonly contentType: string }
  | { readonly kind: 'bad-request' }
  | { readonly kind: 'not-found' }

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * Maps a request's raw (still percent-encoded) path to a file under `root`.
 * Paths with `..` segments (encoded or not), NUL or backslashes are refused outright rather than
 * normalised, and the final real path must still lie inside the real root, so neither traversal
 * nor a symlink can reach a file outside it. Dotfiles are never served. A path that looks like a
 * page (no extension) and matches nothing gets `index.html`: the web app routes on the client.
 */
export async function resolveStaticFile(root: string, rawPath: string): Promise<StaticResolution> {
  let path: string
  try {
    path = decodeURIComponent(rawPath)
  } catch {
    return { kind: 'bad-request' }
  }
  if (!path.startsWith('/') || path.includes('\0') || path.includes('\\')) return { kind: 'bad-request' }
  const segments = path.split('/').filter((segment) => segment !== '')
  if (segments.includes('..')) return { kind: 'bad-request' }
  if (segments.some((segment) => segment.startsWith('.'))) return { kind: 'not-found' }

  const realRoot = await realpath(root).catch(() => undefined)
  if (!realRoot) return { kind: 'not-found' }
  const wanted = path.endsWith('/') ? join(realRoot, ...segments, 'index.html') : join(realRoot, ...segments)
  const found = (await fileInside(realRoot, wanted)) ?? (await fileInside(realRoot, join(wanted, 'index.html')))
  if (found) return found
  // A missing asset must 404: answering a script request with HTML only hides the broken link.
  const last = segments.at(-1) ?? ''
  if (extname(last) !== '' || segments[0] === 'assets') return { kind: 'not-found' }
  return (await fileInside(realRoot, join(realRoot, 'index.html'))) ?? { kind: 'not-found' }
}

async function fileInside(realRoot: string, candidate: string): Promise<StaticResolution | undefined> {
  try {
    const file = await realpath(candidate)
    if (!file.startsWith(realRoot + sep)) return undefined
    const info = await stat(file)
    if (!info.isFile()) return undefined
    return { kind: 'file', file, size: info.size, contentType: contentTypeOf(file) }
  } catch {
    return undefined
  }
}
