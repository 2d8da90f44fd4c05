/** The link that opens this app straight into `room`. */
export function inviteLink(location: Pick<Location, 'origin' | 'pathname'>, room: string): string {
  return `${location.origin}${location.pathname}?room=${encodeURIComponent(room)}`
}

/**
 * Copies `text` to the clipboard. The async Clipboard API needs focus and, in some browsers, a
 * permission; the legacy `execCommand('copy')` on a selected field covers the rest.
 * Resolves whether the copy is known to have succeeded.
 */
export async function copyText(text: string, fallbackField?: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    if (!fallbackField) return false
    fallbackField.focus()
    fallbackField.select()
    try {
      // Deprecated, but the only synchronous fallback when the Clipboard API is refused.
      return document.execCommand('copy')
    } catch {
      return false
    }
  }
}
