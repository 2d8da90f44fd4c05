// Debian's Chromium and the flags that make real calls work in our loopback-only test
// namespace, in one place for every suite that drives a browser (web e2e, SDK e2e, bench).
// `playwright install` cannot download here; see shared NOTES.

export const CHROMIUM_PATH = '/usr/bin/chromium'

/** Launch flags; `fakeDevice` is the value of `--use-fake-device-for-media-stream`, if any. */
export function chromiumArgs({ fakeDevice } = {}) {
  return [
    fakeDevice ? `--use-fake-device-for-media-stream=${fakeDevice}` : '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    // Without it Chromium gathers no ICE candidates when loopback is the only interface.
    '--allow-loopback-in-peer-connection',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    // These stop Chromium reaching for Google's hosts, which the closed network refuses.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ]
}
