const utf8 = new TextEncoder()

/** UTF-8 bytes of `text` (lone surrogates count as the 3 bytes of U+FFFD, as they are sent). */
export function utf8Length(text: string): number {
  return utf8.encode(text).length
}

/** `text` cut to at most `maxChars` UTF-16 code units, never inside a surrogate pair. */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text
  const cut = text.slice(0, maxChars)
  const last = cut.charCodeAt(cut.length - 1)
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut
}
