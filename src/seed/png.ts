/**
 * A tiny PNG encoder for the demo product images: 2-bit indexed colour, zlib "stored" (uncompressed)
 * blocks. No compression library means byte-identical output in Node and in workerd, which keeps
 * the seed deterministic; at 2 bits per pixel a 128x128 image is still only ~4 KB.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function adler32(bytes: Uint8Array): number {
  let a = 1
  let b = 0
  for (const x of bytes) {
    a = (a + x) % 65521
    b = (b + a) % 65521
  }
  return ((b << 16) | a) >>> 0
}

class ByteWriter {
  private parts: number[] = []
  u8(v: number) {
    this.parts.push(v & 0xff)
  }
  u16le(v: number) {
    this.u8(v)
    this.u8(v >>> 8)
  }
  u32be(v: number) {
    this.u8(v >>> 24)
    this.u8(v >>> 16)
    this.u8(v >>> 8)
    this.u8(v)
  }
  bytes(b: ArrayLike<number>) {
    for (let i = 0; i < b.length; i++) this.parts.push(b[i]! & 0xff)
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts)
  }
}

function chunk(out: ByteWriter, type: string, data: Uint8Array) {
  const typed = new Uint8Array(4 + data.length)
  for (let i = 0; i < 4; i++) typed[i] = type.charCodeAt(i)
  typed.set(data, 4)
  out.u32be(data.length)
  out.bytes(typed)
  out.u32be(crc32(typed))
}

function zlibStored(raw: Uint8Array): Uint8Array {
  const out = new ByteWriter()
  out.u8(0x78)
  out.u8(0x01)
  const max = 65535
  for (let off = 0; off < raw.length; off += max) {
    const len = Math.min(max, raw.length - off)
    out.u8(off + len >= raw.length ? 1 : 0) // BFINAL on the last block, BTYPE 00 = stored
    out.u16le(len)
    out.u16le(~len & 0xffff)
    out.bytes(raw.subarray(off, off + len))
  }
  out.u32be(adler32(raw))
  return out.done()
}

export type Rgb = readonly [number, number, number]

/**
 * Encodes a width x height image whose pixels are palette indexes 0-3 (`pixel(x, y)`), palette
 * given as four RGB triples.
 */
export function encodePng2Bit(width: number, height: number, palette: readonly Rgb[], pixel: (x: number, y: number) => number): Uint8Array {
  if (palette.length !== 4) throw new Error('a 2-bit PNG needs exactly 4 palette entries')
  const rowBytes = Math.ceil(width / 4)
  const raw = new Uint8Array((rowBytes + 1) * height)
  for (let y = 0; y < height; y++) {
    const row = y * (rowBytes + 1)
    raw[row] = 0 // filter type: none
    for (let x = 0; x < width; x++) {
      const idx = pixel(x, y) & 3
      raw[row + 1 + (x >> 2)]! |= idx << (6 - 2 * (x & 3))
    }
  }
  const ihdr = new ByteWriter()
  ihdr.u32be(width)
  ihdr.u32be(height)
  ihdr.bytes([2, 3, 0, 0, 0]) // bit depth 2, colour type 3 (indexed), deflate, filter 0, no interlace
  const out = new ByteWriter()
  out.bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  chunk(out, 'IHDR', ihdr.done())
  chunk(out, 'PLTE', Uint8Array.from(palette.flat()))
  chunk(out, 'IDAT', zlibStored(raw))
  chunk(out, 'IEND', new Uint8Array(0))
  return out.done()
}
