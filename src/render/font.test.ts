import { describe, expect, it } from 'vitest';
import { drawText, glyph, GLYPH_HEIGHT, GLYPH_WIDTH, hasGlyph, textWidth } from './font.js';

const blankImage = (width: number, height: number) => ({ rgba: new Uint8Array(width * height * 4), width, height });
const isSet = (img: { rgba: Uint8Array; width: number }, x: number, y: number) => img.rgba[(y * img.width + x) * 4 + 3] === 255;

describe('5×7 font', () => {
  const chars = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,:/-+=()%#_?!<>|✓×≤'];

  it('has a glyph of 7 rows × 5 columns for every digit, letter and caption symbol, and no two alike', () => {
    const seen = new Map<string, string>();
    for (const ch of chars) {
      expect(hasGlyph(ch), ch).toBe(true);
      const g = glyph(ch);
      expect(g.length, ch).toBe(GLYPH_HEIGHT);
      for (const row of g) expect(row, ch).toMatch(new RegExp(`^[.#]{${GLYPH_WIDTH}}$`));
      expect(g.join('').includes('#'), ch).toBe(true);
      const key = g.join('/');
      expect(seen.get(key), `${ch} looks like ${seen.get(key)}`).toBeUndefined();
      seen.set(key, ch);
    }
  });

  it('draws each set font pixel as a scale×scale block at its place and nothing else', () => {
    const scale = 3, x0 = 2, y0 = 1;
    const img = blankImage(40, 25);
    drawText(img, x0, y0, 'E1', [10, 20, 30], scale);
    // 'E': full top row, left column; '1' starts 6 font columns later.
    const expected = (x: number, y: number) => {
      const fx = Math.floor((x - x0) / scale), fy = Math.floor((y - y0) / scale);
      if (x < x0 || y < y0 || fy >= 7) return false;
      const ch = fx < 6 ? 'E' : fx < 12 ? '1' : null;
      const col = fx % 6;
      return ch !== null && col < 5 && glyph(ch)[fy][col] === '#';
    };
    for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) expect(isSet(img, x, y), `(${x}, ${y})`).toBe(expected(x, y));
    expect(Array.from(img.rgba.subarray((y0 * 40 + x0) * 4, (y0 * 40 + x0) * 4 + 4))).toEqual([10, 20, 30, 255]);
  });

  it("draws a character without a glyph as '?', clips at the edges and measures text", () => {
    const a = blankImage(12, 9), b = blankImage(12, 9);
    drawText(a, 0, 0, 'é', [9, 9, 9]);
    drawText(b, 0, 0, '?', [9, 9, 9]);
    expect(a.rgba).toEqual(b.rgba);
    const edge = blankImage(4, 4);
    expect(() => drawText(edge, -3, -2, 'W', [1, 2, 3], 2)).not.toThrow();
    expect(textWidth('ab', 2)).toBe(22);
    expect(textWidth('')).toBe(0);
  });
});
