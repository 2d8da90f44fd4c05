import { el } from './dom.js'
import { fitGrid } from './grid-layout.js'
import type { VideoTile } from './video-tile.js'

export interface Stage {
  readonly element: HTMLElement
  add(tile: VideoTile, options?: { readonly after?: VideoTile }): void
  remove(tile: VideoTile): void
  /** Pins `tile` to the spotlight, or unpins it when it is already pinned. */
  togglePin(tile: VideoTile): void
  /** A remote screen share: it takes the spotlight unless someone pinned another tile. */
  setPresentation(tile: VideoTile | undefined): void
  /** The tile in the spotlight, if any. */
  readonly spotlight: VideoTile | undefined
  layout(): void
  dispose(): void
}

const GAP = 8
const ASPECT = 16 / 9
/** Share of the stage the strip of other tiles takes beside (or under) the spotlight. */
const STRIP_SHARE = 0.2
const STRIP_MIN = 96

interface Box {
  readonly x: number
  readonly y: number
  readonly width: number
  readonly height: number
}

function place(tile: VideoTile, box: Box): void {
  // CSSOM writes, not a style attribute: the page's CSP (`style-src 'self'`) allows these.
  const style = tile.element.style
  style.left = `${box.x}px`
  style.top = `${box.y}px`
  style.width = `${box.width}px`
  style.height = `${box.height}px`
}

/** Lays `tiles` out as the largest 16:9 grid that fits `area`, centred in it. */
function placeGrid(tiles: readonly VideoTile[], area: Box): void {
  if (tiles.length === 0) return
  const grid = fitGrid({ width: area.width, height: area.height, count: tiles.length, gap: GAP, aspect: ASPECT })
  const usedHeight = grid.rows * grid.tileHeight + (grid.rows - 1) * GAP
  const top = area.y + (area.height - usedHeight) / 2
  tiles.forEach((tile, index) => {
    const row = Math.floor(index / grid.columns)
    // The last row may be short: centre it, as people expect of a call grid.
    const inRow = row === grid.rows - 1 ? tiles.length - row * grid.columns : grid.columns
    const rowWidth = inRow * grid.tileWidth + (inRow - 1) * GAP
    const left = area.x + (area.width - rowWidth) / 2
    const column = index - row * grid.columns
    place(tile, {
      x: Math.round(left + column * (grid.tileWidth + GAP)),
      y: Math.round(top + row * (grid.tileHeight + GAP)),
      width: grid.tileWidth,
      height: grid.tileHeight,
    })
  })
}

/**
 * The call's stage: every tile absolutely placed in a box that fills what the header and the
 * control bar leave, so the page never scrolls. Without a spotlight the tiles form the largest
 * 16:9 grid that fits; with one (a pinned tile, or a remote screen share) it takes the stage and
 * the others form a strip beside it (landscape) or under it (portrait).
 */
export function createStage(): Stage {
  const element = el('div', { class: 'stage', role: 'group', 'aria-label': 'Participants’ videos' })
  const tiles: VideoTile[] = []
  let pinned: VideoTile | undefined
  let presentation: VideoTile | undefined
  const observer = new ResizeObserver(() => stage.layout())
  observer.observe(element)

  function update(): void {
    for (const tile of tiles) tile.setPinned(tile === pinned)
    element.dataset.layout = stage.spotlight ? 'spotlight' : 'grid'
    element.dataset.count = String(tiles.length)
    stage.layout()
  }

  const stage: Stage = {
    element,
    get spotlight() {
      return pinned ?? presentation
    },
    add(tile, options = {}) {
      const index = options.after ? tiles.indexOf(options.after) : -1
      if (index >= 0) tiles.splice(index + 1, 0, tile)
      else tiles.push(tile)
      element.append(tile.element)
      update()
    },
    remove(tile) {
      const index = tiles.indexOf(tile)
      if (index >= 0) tiles.splice(index, 1)
      if (pinned === tile) pinned = undefined
      if (presentation === tile) presentation = undefined
      tile.remove()
      update()
    },
    togglePin(tile) {
      pinned = pinned === tile ? undefined : tile
      update()
    },
    setPresentation(tile) {
      presentation = tile
      update()
    },
    layout() {
      const width = element.clientWidth
      const height = element.clientHeight
      const spotlight = stage.spotlight
      for (const tile of tiles) tile.element.classList.toggle('tile-spotlight', tile === spotlight)
      if (!spotlight || tiles.length === 1) {
        placeGrid(tiles, { x: 0, y: 0, width, height })
        return
      }
      const others = tiles.filter((tile) => tile !== spotlight)
      const landscape = width >= height
      if (landscape) {
        const strip = Math.max(STRIP_MIN, Math.round(width * STRIP_SHARE))
        placeGrid([spotlight], { x: 0, y: 0, width: width - strip - GAP, height })
        placeGrid(others, { x: width - strip, y: 0, width: strip, height })
      } else {
        const strip = Math.max(STRIP_MIN, Math.round(height * STRIP_SHARE))
        placeGrid([spotlight], { x: 0, y: 0, width, height: height - strip - GAP })
        placeGrid(others, { x: 0, y: height - strip, width, height: strip })
      }
    },
    dispose() {
      observer.disconnect()
    },
  }
  return stage
}
