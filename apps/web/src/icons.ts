/**
 * Inline SVG icons (24×24, stroked in `currentColor`), built with the DOM so no markup string,
 * icon font or CDN is involved and the page's CSP has nothing to allow. Shapes in the manner of
 * Feather icons: lines, circles and rectangles only.
 */
type Shape =
  | readonly ['path', string]
  | readonly ['circle', number, number, number]
  | readonly ['rect', number, number, number, number, number]

const ICONS = {
  mic: [['rect', 9, 2, 6, 12, 3], ['path', 'M5 10v1a7 7 0 0 0 14 0v-1M12 18v4M8 22h8']],
  'mic-off': [['path', 'M9 9v2a3 3 0 0 0 5.1 2.1M15 9.3V5a3 3 0 0 0-5.9-.7M5 10v1a7 7 0 0 0 11.9 5M19 10v1a7 7 0 0 1-.6 2.8M12 18v4M8 22h8M2 2l20 20']],
  camera: [['rect', 2, 6, 14, 12, 2], ['path', 'M16 10l6-4v12l-6-4z']],
  'camera-off': [['path', 'M16 16v1a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2h1M10 5h4a2 2 0 0 1 2 2v3.5l6-4v11M2 2l20 20']],
  screen: [['rect', 2, 3, 20, 14, 2], ['path', 'M8 21h8M12 17v4M12 13V7M9 10l3-3 3 3']],
  leave: [['path', 'M10 13.4a12 12 0 0 1-2.6-2.9l1.7-1.7a2 2 0 0 0 .4-2.2L8.2 3.6A2 2 0 0 0 6 2.5L3.5 3a2 2 0 0 0-1.5 2c.5 8.5 8.5 16.5 17 17a2 2 0 0 0 2-1.5l.5-2.5a2 2 0 0 0-1.1-2.2l-3-1.3a2 2 0 0 0-2.2.4l-1.7 1.7M22 2L2 22']],
  more: [['circle', 5, 12, 1.5], ['circle', 12, 12, 1.5], ['circle', 19, 12, 1.5]],
  chat: [['path', 'M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z']],
  people: [['circle', 9, 8, 4], ['path', 'M2 21v-2a5 5 0 0 1 5-5h4a5 5 0 0 1 5 5v2M16 3.1a4 4 0 0 1 0 7.8M22 21v-2a5 5 0 0 0-4-4.9']],
  file: [['path', 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zM14 2v6h6M12 18v-6M9 15l3-3 3 3']],
  record: [['circle', 12, 12, 9], ['circle', 12, 12, 4]],
  stats: [['path', 'M4 20V10M10 20V4M16 20v-7M22 20H2']],
  devices: [['circle', 12, 12, 3], ['path', 'M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1']],
  link: [['path', 'M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7']],
  pin: [['path', 'M12 17v5M9 3h6l-1 7 4 4H6l4-4z']],
  fullscreen: [['path', 'M8 3H5a2 2 0 0 0-2 2v3M21 8V5a2 2 0 0 0-2-2h-3M3 16v3a2 2 0 0 0 2 2h3M16 21h3a2 2 0 0 0 2-2v-3']],
  close: [['path', 'M18 6L6 18M6 6l12 12']],
  lock: [['rect', 4, 11, 16, 10, 2], ['path', 'M8 11V7a4 4 0 0 1 8 0v4']],
  check: [['path', 'M20 6L9 17l-5-5']],
  keyboard: [['rect', 2, 5, 20, 14, 2], ['path', 'M6 9h.01M10 9h.01M14 9h.01M18 9h.01M6 13h.01M18 13h.01M9 13h6M7 16h10']],
} as const satisfies Record<string, readonly Shape[]>

export type IconName = keyof typeof ICONS

const SVG = 'http://www.w3.org/2000/svg'

/** A decorative icon: hidden from assistive technology, the control's text names it. */
export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg')
  for (const [key, value] of Object.entries({
    viewBox: '0 0 24 24',
    width: '24',
    height: '24',
    fill: 'none',
    stroke: 'currentColor',
    'stroke-width': '2',
    'stroke-linecap': 'round',
    'stroke-linejoin': 'round',
    'aria-hidden': 'true',
    focusable: 'false',
    class: 'icon',
  })) {
    svg.setAttribute(key, value)
  }
  for (const shape of ICONS[name] as readonly Shape[]) {
    const node = document.createElementNS(SVG, shape[0])
    if (shape[0] === 'path') node.setAttribute('d', shape[1])
    else if (shape[0] === 'circle') {
      node.setAttribute('cx', String(shape[1]))
      node.setAttribute('cy', String(shape[2]))
      node.setAttribute('r', String(shape[3]))
    } else {
      const [, x, y, width, height, radius] = shape
      for (const [key, value] of Object.entries({ x, y, width, height, rx: radius })) node.setAttribute(key, String(value))
    }
    svg.append(node)
  }
  return svg
}
