import { encodePng2Bit, type Rgb } from './png'

const SIZE = 128

function hslToRgb(h: number, s: number, l: number): Rgb {
  const k = (n: number) => (n + h / 30) % 12
  const a = s * Math.min(l, 1 - l)
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)))
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)]
}

/**
 * A 128x128 placeholder picture for a seeded product: a tinted background and one of eight simple
 * shapes in the category's hue. Deterministic for a given (hue, pattern).
 */
export function drawProductImage(hue: number, pattern: number): Uint8Array {
  const palette: Rgb[] = [hslToRgb(hue, 0.45, 0.92), hslToRgb(hue, 0.6, 0.5), hslToRgb(hue, 0.55, 0.28), [255, 255, 255]]
  const c = SIZE / 2
  return encodePng2Bit(SIZE, SIZE, palette, (x, y) => {
    const dx = x - c + 0.5
    const dy = y - c + 0.5
    const r = Math.sqrt(dx * dx + dy * dy)
    switch (pattern % 8) {
      case 0: // ring
        return r < 40 ? (r < 26 ? 3 : 1) : 0
      case 1: // diamond
        return Math.abs(dx) + Math.abs(dy) < 46 ? (Math.abs(dx) + Math.abs(dy) < 20 ? 2 : 1) : 0
      case 2: // stripes
        return Math.floor((x + y) / 16) % 2 === 0 ? 1 : 0
      case 3: // rounded box with a shadow
        if (Math.abs(dx - 5) < 36 && Math.abs(dy - 5) < 36) return Math.abs(dx) < 36 && Math.abs(dy) < 36 ? 1 : 2
        return 0
      case 4: // checker
        return (Math.floor(x / 16) + Math.floor(y / 16)) % 2 === 0 ? 1 : 3
      case 5: // target
        return Math.floor(r / 10) % 2 === 0 && r < 56 ? 1 : 0
      case 6: // horizon
        return y > c + 10 ? 2 : r < 22 ? 1 : 0
      default: // frame
        return Math.abs(dx) > 50 || Math.abs(dy) > 50 ? 2 : Math.abs(dx) < 14 || Math.abs(dy) < 14 ? 1 : 3
    }
  })
}
