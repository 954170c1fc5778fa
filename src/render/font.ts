/**
 * A 5×7 pixel font (the classic dot-matrix shapes) for captions on 8-bit RGBA images: digits,
 * both cases of the Latin letters and the few symbols captions use. Each glyph is 7 rows of
 * 5 columns, '#' set; a character advances 6 columns and a line is 7 rows high, all times an
 * integer scale. A character without a glyph is drawn as '?', so a caption never silently
 * loses a character.
 */

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** Columns from one character's left edge to the next's (one blank column between glyphs). */
export const GLYPH_ADVANCE = 6;

/** RGBA bytes, row-major, 4 per pixel. */
export interface RgbaImage {
  readonly rgba: Uint8Array;
  readonly width: number;
  readonly height: number;
}

const G = (rows: string): readonly string[] => rows.split(' ');

const GLYPHS: Record<string, readonly string[]> = {
  ' ': G('..... ..... ..... ..... ..... ..... .....'),
  '0': G('.###. #...# #..## #.#.# ##..# #...# .###.'),
  '1': G('..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.'),
  '2': G('.###. #...# ....# ...#. ..#.. .#... #####'),
  '3': G('##### ...#. ..#.. ...#. ....# #...# .###.'),
  '4': G('...#. ..##. .#.#. #..#. ##### ...#. ...#.'),
  '5': G('##### #.... ####. ....# ....# #...# .###.'),
  '6': G('..##. .#... #.... ####. #...# #...# .###.'),
  '7': G('##### ....# ...#. ..#.. .#... .#... .#...'),
  '8': G('.###. #...# #...# .###. #...# #...# .###.'),
  '9': G('.###. #...# #...# .#### ....# ...#. .##..'),
  A: G('.###. #...# #...# ##### #...# #...# #...#'),
  B: G('####. #...# #...# ####. #...# #...# ####.'),
  C: G('.###. #...# #.... #.... #.... #...# .###.'),
  D: G('###.. #..#. #...# #...# #...# #..#. ###..'),
  E: G('##### #.... #.... ####. #.... #.... #####'),
  F: G('##### #.... #.... ####. #.... #.... #....'),
  G: G('.###. #...# #.... #.### #...# #...# .####'),
  H: G('#...# #...# #...# ##### #...# #...# #...#'),
  I: G('.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.'),
  J: G('..### ...#. ...#. ...#. ...#. #..#. .##..'),
  K: G('#...# #..#. #.#.. ##... #.#.. #..#. #...#'),
  L: G('#.... #.... #.... #.... #.... #.... #####'),
  M: G('#...# ##.## #.#.# #.#.# #...# #...# #...#'),
  N: G('#...# #...# ##..# #.#.# #..## #...# #...#'),
  O: G('.###. #...# #...# #...# #...# #...# .###.'),
  P: G('####. #...# #...# ####. #.... #.... #....'),
  Q: G('.###. #...# #...# #...# #.#.# #..#. .##.#'),
  R: G('####. #...# #...# ####. #.#.. #..#. #...#'),
  S: G('.#### #.... #.... .###. ....# ....# ####.'),
  T: G('##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..'),
  U: G('#...# #...# #...# #...# #...# #...# .###.'),
  V: G('#...# #...# #...# #...# #...# .#.#. ..#..'),
  W: G('#...# #...# #...# #.#.# #.#.# #.#.# .#.#.'),
  X: G('#...# #...# .#.#. ..#.. .#.#. #...# #...#'),
  Y: G('#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..'),
  Z: G('##### ....# ...#. ..#.. .#... #.... #####'),
  a: G('..... ..... .###. ....# .#### #...# .####'),
  b: G('#.... #.... #.##. ##..# #...# #...# ####.'),
  c: G('..... ..... .###. #.... #.... #...# .###.'),
  d: G('....# ....# .##.# #..## #...# #...# .####'),
  e: G('..... ..... .###. #...# ##### #.... .###.'),
  f: G('..##. .#..# .#... ###.. .#... .#... .#...'),
  g: G('..... .#### #...# #...# .#### ....# .###.'),
  h: G('#.... #.... #.##. ##..# #...# #...# #...#'),
  i: G('..#.. ..... .##.. ..#.. ..#.. ..#.. .###.'),
  j: G('...#. ..... ..##. ...#. ...#. #..#. .##..'),
  k: G('#.... #.... #..#. #.#.. ##... #.#.. #..#.'),
  l: G('.##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.'),
  m: G('..... ..... ##.#. #.#.# #.#.# #...# #...#'),
  n: G('..... ..... #.##. ##..# #...# #...# #...#'),
  o: G('..... ..... .###. #...# #...# #...# .###.'),
  p: G('..... ..... ####. #...# ####. #.... #....'),
  q: G('..... ..... .##.# #..## .#### ....# ....#'),
  r: G('..... ..... #.##. ##..# #.... #.... #....'),
  s: G('..... ..... .###. #.... .###. ....# ####.'),
  t: G('.#... .#... ###.. .#... .#... .#..# ..##.'),
  u: G('..... ..... #...# #...# #...# #..## .##.#'),
  v: G('..... ..... #...# #...# #...# .#.#. ..#..'),
  w: G('..... ..... #...# #...# #.#.# #.#.# .#.#.'),
  x: G('..... ..... #...# .#.#. ..#.. .#.#. #...#'),
  y: G('..... ..... #...# #...# .#### ....# .###.'),
  z: G('..... ..... ##### ...#. ..#.. .#... #####'),
  '.': G('..... ..... ..... ..... ..... .##.. .##..'),
  ',': G('..... ..... ..... ..... .##.. ..#.. .#...'),
  ':': G('..... .##.. .##.. ..... .##.. .##.. .....'),
  '/': G('..... ....# ...#. ..#.. .#... #.... .....'),
  '-': G('..... ..... ..... ##### ..... ..... .....'),
  '+': G('..... ..#.. ..#.. ##### ..#.. ..#.. .....'),
  '=': G('..... ..... ##### ..... ##### ..... .....'),
  '(': G('...#. ..#.. .#... .#... .#... ..#.. ...#.'),
  ')': G('.#... ..#.. ...#. ...#. ...#. ..#.. .#...'),
  '%': G('##... ##..# ...#. ..#.. .#... #..## ...##'),
  '#': G('.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.'),
  '_': G('..... ..... ..... ..... ..... ..... #####'),
  '?': G('.###. #...# ....# ...#. ..#.. ..... ..#..'),
  '!': G('..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..'),
  "'": G('..#.. ..#.. .#... ..... ..... ..... .....'),
  '<': G('...#. ..#.. .#... #.... .#... ..#.. ...#.'),
  '>': G('.#... ..#.. ...#. ....# ...#. ..#.. .#...'),
  '|': G('..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..'),
  '≤': G('...#. ..#.. .#... ..#.. ...#. ..... #####'),
  '✓': G('..... ....# ...## #.##. ###.. .#... .....'),
  '×': G('..... #...# .#.#. ..#.. .#.#. #...# .....'),
};

/** The glyph drawn for `ch`: 7 rows of 5 columns, '#' set ('?' for a character without one). */
export function glyph(ch: string): readonly string[] {
  return GLYPHS[ch] ?? GLYPHS['?'];
}

/** Whether the font has a glyph of its own for `ch`. */
export function hasGlyph(ch: string): boolean {
  return ch in GLYPHS;
}

/** Width in pixels of `text` drawn at `scale` (no trailing blank column). */
export function textWidth(text: string, scale = 1): number {
  const n = [...text].length;
  return n === 0 ? 0 : (n * GLYPH_ADVANCE - 1) * scale;
}

/** Height in pixels of a line drawn at `scale`. */
export function textHeight(scale = 1): number {
  return GLYPH_HEIGHT * scale;
}

/**
 * Draws `text` with its top-left corner at (x, y), each font pixel a scale×scale block of
 * `rgb`; only the set pixels are written (the background shows through), and pixels outside
 * the image are skipped.
 */
export function drawText(img: RgbaImage, x: number, y: number, text: string, rgb: readonly [number, number, number], scale = 1): void {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`drawText: scale must be a positive integer, got ${scale}`);
  let cx = x;
  for (const ch of text) {
    const rows = glyph(ch);
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        if (rows[r][c] === '#') fillRect(img, cx + c * scale, y + r * scale, scale, scale, rgb);
      }
    }
    cx += GLYPH_ADVANCE * scale;
  }
}

/** Fills a w×h rectangle at (x, y) with an opaque colour, clipped to the image. */
export function fillRect(img: RgbaImage, x: number, y: number, w: number, h: number, rgb: readonly [number, number, number]): void {
  const x0 = Math.max(0, Math.floor(x)), y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(img.width, Math.floor(x + w)), y1 = Math.min(img.height, Math.floor(y + h));
  for (let i = y0; i < y1; i++) {
    for (let j = x0; j < x1; j++) {
      const d = (i * img.width + j) * 4;
      img.rgba[d] = rgb[0];
      img.rgba[d + 1] = rgb[1];
      img.rgba[d + 2] = rgb[2];
      img.rgba[d + 3] = 255;
    }
  }
}
