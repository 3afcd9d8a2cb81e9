// Writes the Teams app's two icons with node's zlib (no image library): appPackage/color.png (192×192, full
// colour) and appPackage/outline.png (32×32, white on a transparent background, as Teams requires).
//   node scripts/make-icons.mjs
import { deflateSync } from "node:zlib";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "appPackage");

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/** An RGBA PNG (colour type 6, 8 bits, filter 0 on every row) from a pixel function. */
function png(size, pixel) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** Three linked rings (schools in a partnership) on a unit square; true where a ring is drawn. */
function rings(u, v, thickness) {
  const centres = [[0.5, 0.33], [0.33, 0.63], [0.67, 0.63]];
  return centres.some(([cx, cy]) => Math.abs(Math.hypot(u - cx, v - cy) - 0.2) < thickness);
}

const color = png(192, (x, y) => {
  const u = (x + 0.5) / 192;
  const v = (y + 0.5) / 192;
  return rings(u, v, 0.035) ? [255, 255, 255, 255] : [46, 90, 136, 255]; // white rings on the partnership blue
});
const outline = png(32, (x, y) => (rings((x + 0.5) / 32, (y + 0.5) / 32, 0.05) ? [255, 255, 255, 255] : [0, 0, 0, 0]));

writeFileSync(join(out, "color.png"), color);
writeFileSync(join(out, "outline.png"), outline);
process.stdout.write(`Wrote appPackage/color.png (${color.length} bytes) and appPackage/outline.png (${outline.length} bytes)\n`);
