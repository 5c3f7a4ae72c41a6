import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from './png';

/**
 * Draws the app's icons (`npx tsx adapters/teams/make-icons.ts`) into manifest/teams/: a shield.
 * Teams asks for color.png, 192×192 on a full background, and outline.png, 32×32, white on
 * transparent only.
 */

const accent = [0x1f, 0x4e, 0x79] as const; // the manifest's accentColor, #1F4E79

/** Whether a point (-1..1 on both axes, y downwards) is inside a shield of the given size. */
function inShield(x: number, y: number, scale: number): boolean {
  const u = x / scale;
  const v = (y - 0.04) / scale;
  const halfWidth = 0.66;
  if (v < -0.78) return false;
  if (v <= 0.05) return Math.abs(u) <= halfWidth;
  const down = (v - 0.05) / 0.8;
  return down <= 1 && Math.abs(u) <= halfWidth * Math.sqrt(1 - down * down);
}

/** Coverage of a pixel by a shape, from 4×4 samples, so edges are smooth. */
function coverage(size: number, px: number, py: number, inside: (x: number, y: number) => boolean): number {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const x = ((px + (sx + 0.5) / 4) / size) * 2 - 1;
      const y = ((py + (sy + 0.5) / 4) / size) * 2 - 1;
      if (inside(x, y)) hits++;
    }
  }
  return hits / 16;
}

export function colorIcon(size = 192): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  // Concentric shields: white, accent, white.
  const white = (x: number, y: number) =>
    (inShield(x, y, 0.8) && !inShield(x, y, 0.62)) || inShield(x, y, 0.44);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const a = coverage(size, px, py, white);
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(accent[c]! * (1 - a) + 255 * a);
      rgba[i + 3] = 255;
    }
  }
  return encodePng(size, size, rgba);
}

export function outlineIcon(size = 32): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  const ring = (x: number, y: number) => inShield(x, y, 0.92) && !inShield(x, y, 0.66);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const i = (py * size + px) * 4;
      rgba[i] = 255;
      rgba[i + 1] = 255;
      rgba[i + 2] = 255;
      rgba[i + 3] = Math.round(coverage(size, px, py, ring) * 255);
    }
  }
  return encodePng(size, size, rgba);
}

if (process.argv[1]?.endsWith('make-icons.ts')) {
  const folder = join(import.meta.dirname, '..', '..', 'manifest', 'teams');
  writeFileSync(join(folder, 'color.png'), colorIcon());
  writeFileSync(join(folder, 'outline.png'), outlineIcon());
  process.stdout.write(`Icons written to ${folder}\n`);
}
