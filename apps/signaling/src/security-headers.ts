/**
 * Headers on every HTTP response of the public listener. The web app is a camera app: it must
 * run no script but its own files, talk to no server but its own, and never be framed (a framed
 * call page invites clickjacking into sharing a camera or screen).
 *
 * `connect-src 'self'` already covers ws(s) on the page's own host; with `publicUrl` its ws(s)
 * origin is listed too, for a page whose signaling origin differs only in scheme behind a proxy.
 */
export function securityHeaders(publicUrl: string | undefined): Readonly<Record<string, string>> {
  const socketOrigin = publicUrl === undefined ? '' : ` ${websocketOrigin(publicUrl)}`
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // Received images are shown from blob: URLs; data: covers small inline icons.
    "img-src 'self' blob: data:",
    // Recordings play from blob: URLs, calls from MediaStreams.
    "media-src 'self' blob: mediastream:",
    `connect-src 'self'${socketOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
  return {
    'Content-Security-Policy': policy,
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=(), serial=(), hid=(), midi=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  }
}

/** `https://call.example.com/app` → `wss://call.example.com`. */
export function websocketOrigin(publicUrl: string): string {
  const url = new URL(publicUrl)
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`
}
