import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { png } from './pwa.ts';

// Draws the driver app's icons (nothing downloaded): a road-green square with a white location
// ring and dot, as SVG and as the PNGs an install needs (192 and 512 px, safe as maskable icons).
// `node --import tsx web/icons.ts` writes them into web/apps/driver/public/; they are committed.

const GREEN: [number, number, number, number] = [10, 108, 79, 255];
const WHITE: [number, number, number, number] = [255, 255, 255, 255];

/** The shape at (x, y) in a unit square: the ring (0.22–0.30 from the centre) and the dot (< 0.1). */
function inMark(x: number, y: number): boolean {
  const r = Math.hypot(x - 0.5, y - 0.5);
  return r < 0.1 || (r > 0.22 && r < 0.3);
}

export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
  <rect width="100" height="100" fill="#0a6c4f"/>
  <circle cx="50" cy="50" r="26" fill="none" stroke="#fff" stroke-width="8"/>
  <circle cx="50" cy="50" r="10" fill="#fff"/>
</svg>
`;

export async function writeIcons(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'icon.svg'), ICON_SVG);
  for (const size of [192, 512])
    await writeFile(
      path.join(dir, `icon-${size}.png`),
      png(size, (x, y) => (inMark((x + 0.5) / size, (y + 0.5) / size) ? WHITE : GREEN)),
    );
}

const direct = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (direct)
  void writeIcons(
    path.join(path.dirname(fileURLToPath(import.meta.url)), 'apps', 'driver', 'public'),
  );
