/*
 * solar's own WebAssembly SIMD kernels for the tfjs wasm backend: the two convolution
 * gradients and the bias gradient, which tfjs-backend-wasm lacks or runs far below its
 * XNNPACK forward convolution. They work in place on the backend's own heap (this module
 * imports its memory), so no tensor is copied. No libc, no data segment, no stack: every
 * buffer is passed in. All tensors NHWC, float32; filters [kh, kw, C, Co].
 *
 * Build: scripts/build-kernels.sh (clang --target=wasm32 -msimd128); the binary is embedded
 * in conv-grads-wasm.ts.
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

/*
 * acc + a·b. Built twice (scripts/build-kernels.sh): with relaxed SIMD, one fused multiply-add
 * where the CPU has one (its rounding differs from mul-then-add, so the two builds give
 * slightly different floats; each is deterministic on one machine); without, mul then add.
 */
#ifdef SOLAR_RELAXED_SIMD
#define MADD(acc, a, b) wasm_f32x4_relaxed_madd((a), (b), (acc))
#else
#define MADD(acc, a, b) wasm_f32x4_add((acc), wasm_f32x4_mul((a), (b)))
#endif

static inline int max_i(int a, int b) { return a > b ? a : b; }
static inline int min_i(int a, int b) { return a < b ? a : b; }
/* floor(a / b) for b > 0 and any sign of a. */
static inline int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
/* ceil(a / b) for b > 0. */
static inline int ceil_div(int a, int b) { return -floor_div(-a, b); }

/* The output columns j whose input column j·s + b − pl lies in [0, W): [*lo, *hi). */
static inline void valid_range(int b, int s, int pad, int W, int Wo, int* lo, int* hi) {
  *lo = max_i(0, ceil_div(pad - b, s));
  *hi = min_i(Wo, floor_div(W - 1 + pad - b, s) + 1);
}

/* One pass of the column sum over all rows for channels c .. c + 4V. */
#define COLUMN_BLOCK(V)                                                                          \
  static void column_block_##V(const float* x, float* y, int M, int C) {                        \
    v128_t acc[V];                                                                               \
    for (int v = 0; v < V; v++) acc[v] = wasm_f32x4_splat(0.f);                                  \
    for (int m = 0; m < M; m++, x += C) {                                                        \
      for (int v = 0; v < V; v++) acc[v] = wasm_f32x4_add(acc[v], wasm_v128_load(x + 4 * v));   \
    }                                                                                            \
    for (int v = 0; v < V; v++) wasm_v128_store(y + 4 * v, acc[v]);                              \
  }
COLUMN_BLOCK(1)
COLUMN_BLOCK(8)

/*
 * y[c] = Σ_m x[m, c] for x [M, C]: the bias gradient (a sum over batch, rows and columns).
 * Rows in order, 32 channels per pass, so each row is read once when C ≤ 32.
 */
EXPORT(column_sum)
void column_sum(const float* x, float* y, int M, int C) {
  int c = 0;
  for (; c + 32 <= C; c += 32) column_block_8(x + c, y + c, M, C);
  for (; c + 4 <= C; c += 4) column_block_1(x + c, y + c, M, C);
  for (; c < C; c++) {
    float s = 0.f;
    for (int m = 0; m < M; m++) s += x[(long)m * C + c];
    y[c] = s;
  }
}

/*
 * One register block of the filter gradient: R input channels × 8 output channels,
 *   dw[r, o..o+8] += Σ_{pixels} x[pixel, r] · dy[pixel, o..o+8]
 * over output rows [i0, i1) of one image and, in each row, the columns [jlo, jhi).
 */
#define FILTER_BLOCK(R)                                                                          \
  static void filter_block_##R(const float* xrow0, int xrow_stride, const float* dyrow0,         \
                               int dyrow_stride, int rows, int jlo, int jhi, int xcol_step,      \
                               int Co, float* dw) {                                              \
    v128_t a0[R], a1[R];                                                                         \
    for (int r = 0; r < R; r++) {                                                                \
      a0[r] = wasm_v128_load(dw + r * Co);                                                       \
      a1[r] = wasm_v128_load(dw + r * Co + 4);                                                   \
    }                                                                                            \
    for (int i = 0; i < rows; i++) {                                                             \
      const float* xp = xrow0 + (long)i * xrow_stride + (long)jlo * xcol_step;                   \
      const float* dp = dyrow0 + (long)i * dyrow_stride + (long)jlo * Co;                        \
      for (int j = jlo; j < jhi; j++, xp += xcol_step, dp += Co) {                               \
        v128_t d0 = wasm_v128_load(dp), d1 = wasm_v128_load(dp + 4);                             \
        for (int r = 0; r < R; r++) {                                                            \
          v128_t xv = wasm_v128_load32_splat(xp + r);                                            \
          a0[r] = MADD(a0[r], xv, d0);                                 \
          a1[r] = MADD(a1[r], xv, d1);                                 \
        }                                                                                        \
      }                                                                                          \
    }                                                                                            \
    for (int r = 0; r < R; r++) {                                                                \
      wasm_v128_store(dw + r * Co, a0[r]);                                                       \
      wasm_v128_store(dw + r * Co + 4, a1[r]);                                                   \
    }                                                                                            \
  }
FILTER_BLOCK(1)
FILTER_BLOCK(2)
FILTER_BLOCK(3)
FILTER_BLOCK(4)

/* The same for output channels that do not fill a block of 8: one at a time, in scalars. */
static void filter_block_tail(const float* xrow0, int xrow_stride, const float* dyrow0, int dyrow_stride,
                              int rows, int jlo, int jhi, int xcol_step, int Co, int R, int O, float* dw) {
  for (int r = 0; r < R; r++) {
    for (int o = 0; o < O; o++) {
      float acc = dw[r * Co + o];
      for (int i = 0; i < rows; i++) {
        const float* xp = xrow0 + (long)i * xrow_stride + (long)jlo * xcol_step + r;
        const float* dp = dyrow0 + (long)i * dyrow_stride + (long)jlo * Co + o;
        for (int j = jlo; j < jhi; j++, xp += xcol_step, dp += Co) acc += *xp * *dp;
      }
      dw[r * Co + o] = acc;
    }
  }
}

/*
 * Conv2DBackpropFilter: dw[a, b, c, o] = Σ_{n,i,j} x[n, i·sh + a − pt, j·sw + b − pl, c] · dy[n, i, j, o]
 * (zero outside the image). x [N, H, W, C], dy [N, Ho, Wo, Co], dw [kh, kw, C, Co] overwritten.
 * The pixels are taken `row_block` output rows of one image at a time, so that their input
 * rows and the dy rows stay in cache while every tap and channel block passes over them.
 */
EXPORT(conv2d_backprop_filter)
void conv2d_backprop_filter(const float* x, const float* dy, float* dw, int N, int H, int W, int C,
                            int Ho, int Wo, int Co, int kh, int kw, int sh, int sw, int pt, int pl) {
  long nw = (long)kh * kw * C * Co;
  for (long k = 0; k < nw; k++) dw[k] = 0.f;
  const int row_block = max_i(1, 64 / max_i(Wo, 1));
  const int O8 = Co & ~7;
  for (int n = 0; n < N; n++) {
    for (int i0 = 0; i0 < Ho; i0 += row_block) {
      const int i1 = min_i(Ho, i0 + row_block);
      for (int a = 0; a < kh; a++) {
        /* rows i in [i0, i1) whose input row i·sh + a − pt lies in [0, H) */
        int ilo, ihi;
        valid_range(a, sh, pt, H, Ho, &ilo, &ihi);
        ilo = max_i(ilo, i0);
        ihi = min_i(ihi, i1);
        if (ilo >= ihi) continue;
        const float* xrow0 = x + ((long)n * H + ilo * sh + a - pt) * W * C;
        const float* dyrow0 = dy + ((long)n * Ho + ilo) * Wo * Co;
        for (int b = 0; b < kw; b++) {
          int jlo, jhi;
          valid_range(b, sw, pl, W, Wo, &jlo, &jhi);
          if (jlo >= jhi) continue;
          /* x column of output column j is j·sw + b − pl: the block reads from that offset. */
          const float* xb = xrow0 + (long)(b - pl) * C;
          float* dwtap = dw + ((long)a * kw + b) * C * Co;
          for (int c = 0; c < C; c += 4) {
            const int R = min_i(4, C - c);
            for (int o = 0; o < O8; o += 8) {
              float* d = dwtap + (long)c * Co + o;
              const float* xs = xb + c;
              const int xs_stride = sh * W * C, dys = Wo * Co, step = sw * C, rows = ihi - ilo;
              switch (R) {
                case 4: filter_block_4(xs, xs_stride, dyrow0 + o, dys, rows, jlo, jhi, step, Co, d); break;
                case 3: filter_block_3(xs, xs_stride, dyrow0 + o, dys, rows, jlo, jhi, step, Co, d); break;
                case 2: filter_block_2(xs, xs_stride, dyrow0 + o, dys, rows, jlo, jhi, step, Co, d); break;
                default: filter_block_1(xs, xs_stride, dyrow0 + o, dys, rows, jlo, jhi, step, Co, d); break;
              }
            }
            if (O8 < Co) {
              filter_block_tail(xb + c, sh * W * C, dyrow0 + O8, Wo * Co, ihi - ilo, jlo, jhi, sw * C, Co, R,
                                Co - O8, dwtap + (long)c * Co + O8);
            }
          }
        }
      }
    }
  }
}

/*
 * The register tile both convolutions below are built from: R output pixels × 8 output
 * channels, over the taps t and the contraction index k,
 *   y[r, 0..8] = Σ_t Σ_k x_t[r·xstride + k] · w_t[k·ldw + 0..8]
 * (R broadcasts and 2 weight vectors per (t, k) feed 2R multiply-adds). x_t and w_t are each
 * tap's input pixel and weight rows; y's pixels are ystride apart.
 */
#define CONV_TILE(R)                                                                               \
  static void conv_tile_##R(const float* const* xs, const float* const* ws, int ntaps, int K,      \
                            int xstride, int ldw, float* y, int ystride) {                         \
    v128_t a0[R], a1[R];                                                                           \
    for (int r = 0; r < R; r++) a0[r] = a1[r] = wasm_f32x4_splat(0.f);                              \
    for (int t = 0; t < ntaps; t++) {                                                              \
      const float* xp = xs[t];                                                                     \
      const float* wp = ws[t];                                                                     \
      for (int k = 0; k < K; k++, xp++, wp += ldw) {                                               \
        v128_t w0 = wasm_v128_load(wp), w1 = wasm_v128_load(wp + 4);                               \
        for (int r = 0; r < R; r++) {                                                              \
          v128_t xv = wasm_v128_load32_splat(xp + r * xstride);                                    \
          a0[r] = MADD(a0[r], xv, w0);                                                             \
          a1[r] = MADD(a1[r], xv, w1);                                                             \
        }                                                                                          \
      }                                                                                            \
    }                                                                                              \
    for (int r = 0; r < R; r++) {                                                                  \
      wasm_v128_store(y + r * ystride, a0[r]);                                                     \
      wasm_v128_store(y + r * ystride + 4, a1[r]);                                                 \
    }                                                                                              \
  }
CONV_TILE(1)
CONV_TILE(2)
CONV_TILE(3)
CONV_TILE(4)

static void conv_tile(int R, const float* const* xs, const float* const* ws, int ntaps, int K, int xstride, int ldw,
                      float* y, int ystride) {
  switch (R) {
    case 4: conv_tile_4(xs, ws, ntaps, K, xstride, ldw, y, ystride); break;
    case 3: conv_tile_3(xs, ws, ntaps, K, xstride, ldw, y, ystride); break;
    case 2: conv_tile_2(xs, ws, ntaps, K, xstride, ldw, y, ystride); break;
    default: conv_tile_1(xs, ws, ntaps, K, xstride, ldw, y, ystride); break;
  }
}

/*
 * c [M, N] = a [M, K] · b [K, N] (row-major, N a multiple of 8), on the conv tile: 4 rows × 8
 * columns at a time. Each 8-column panel of b is first copied into `panel` (K·8 floats), so
 * the tile reads it contiguously: read in place, its rows lie N floats apart, a page apart for
 * N = 1024, and every k missed the TLB. `ptrs` is scratch for 2 pointers.
 */
EXPORT(matmul)
void matmul(const float* a, const float* b, float* c, int M, int K, int N, const float** ptrs, float* panel) {
  for (int n = 0; n < N; n += 8) {
    for (int k = 0; k < K; k++) {
      wasm_v128_store(panel + 8 * k, wasm_v128_load(b + (long)k * N + n));
      wasm_v128_store(panel + 8 * k + 4, wasm_v128_load(b + (long)k * N + n + 4));
    }
    for (int m = 0; m < M; m += 4) {
      const int R = min_i(4, M - m);
      ptrs[0] = a + (long)m * K;
      ptrs[1] = panel;
      conv_tile(R, ptrs, ptrs + 1, 1, K, K, 8, c + (long)m * N + n, N);
    }
  }
}

/*
 * xp [N, Hp, Wp, C] = x [N, H, W, C] placed at (pt, pl), zeros around it (Hp ≥ H + pt,
 * Wp ≥ W + pl): only the border is written twice.
 */
static void pad_image(const float* x, float* xp, int N, int H, int W, int C, int Hp, int Wp, int pt, int pl) {
  const long row = (long)Wp * C;
  for (int n = 0; n < N; n++) {
    float* img = xp + (long)n * Hp * row;
    for (int h = 0; h < Hp; h++) {
      float* dst = img + h * row;
      const int inside = h >= pt && h < pt + H;
      if (!inside) {
        for (long k = 0; k < row; k++) dst[k] = 0.f;
        continue;
      }
      const float* src = x + (((long)n * H + (h - pt)) * W) * C;
      long k = 0;
      for (; k < (long)pl * C; k++) dst[k] = 0.f;
      for (long q = 0; q < (long)W * C; q++, k++) dst[k] = src[q];
      for (; k < row; k++) dst[k] = 0.f;
    }
  }
}

/*
 * Conv2D (the forward pass) for Co a multiple of 8:
 *   y[n, i, j, o] = Σ_{a,b,c} x[n, i·sh + a − pt, j·sw + b − pl, c] · w[a, b, c, o]
 * on a zero-padded copy of x (`padded`, N·Hp·Wp·C floats with Hp = (Ho − 1)·sh + kh and
 * Wp = (Wo − 1)·sw + kw; unused when no padding is needed), so every output pixel takes every
 * tap: tiles of 4 pixels of a row, and each filter row a is one tap whose kw·C inputs and
 * weights lie next to each other. The sum runs over a, b, c in that order, as it would
 * skipping the padding (which adds exact zeros). y [N, Ho, Wo, Co] overwritten; `taps` is
 * scratch for 2·kh pointers.
 */
EXPORT(conv2d_forward)
void conv2d_forward(const float* x, const float* w, float* y, int N, int H, int W, int C, int Ho, int Wo, int Co,
                    int kh, int kw, int sh, int sw, int pt, int pl, const float** taps, float* padded) {
  const float** xs = taps;
  const float** ws = taps + kh;
  const int Hp = (Ho - 1) * sh + kh, Wp = (Wo - 1) * sw + kw;
  const float* xin = x;
  int Hin = H, Win = W;
  if (pt > 0 || pl > 0 || Hp > H + pt || Wp > W + pl) {
    pad_image(x, padded, N, H, W, C, max_i(Hp, H + pt), max_i(Wp, W + pl), pt, pl);
    xin = padded;
    Hin = max_i(Hp, H + pt);
    Win = max_i(Wp, W + pl);
  }
  const int K = kw * C;
  for (int n = 0; n < N; n++) {
    for (int i = 0; i < Ho; i++) {
      float* yrow = y + ((long)n * Ho + i) * Wo * Co;
      for (int o = 0; o < Co; o += 8) {
        for (int a = 0; a < kh; a++) ws[a] = w + (long)a * K * Co + o;
        for (int j = 0; j < Wo; j += 4) {
          const int R = min_i(4, Wo - j);
          for (int a = 0; a < kh; a++) xs[a] = xin + (((long)n * Hin + i * sh + a) * Win + (long)j * sw) * C;
          conv_tile(R, xs, ws, kh, K, sw * C, Co, yrow + (long)j * Co + o, Co);
        }
      }
    }
  }
}

/*
 * Conv2DBackpropInput for C a multiple of 8, on the same tile: output columns of one phase
 * (w + pl ≡ ρ mod sw) use the same taps b ≡ ρ, and consecutive ones read consecutive dy
 * pixels, so a tile is up to 4 of them (sw apart in dx), contracting over o with
 * wt [kh, kw, Co, C] (filter_for_input with C a multiple of 4 needs no padding). dy is read
 * from a copy with P = ⌈kw/sw⌉ zero columns on the left and Pr on the right (`padded`,
 * N·Ho·(P + Wo + Pr)·Co floats; Pr = max(0, ⌊(W − 1 + pl)/sw⌋ − Wo + 1), the caller's to
 * compute), so the edge columns take their outside taps as exact zeros and every tile holds 4.
 */
EXPORT(conv2d_backprop_input_tiled)
void conv2d_backprop_input_tiled(const float* dy, const float* wt, float* dx, int N, int H, int W, int C, int Ho,
                                 int Wo, int Co, int kh, int kw, int sh, int sw, int pt, int pl, const float** taps,
                                 float* padded, int Pr) {
  const float** xs = taps;
  const float** ws = taps + kh * kw;
  const int P = (kw + sw - 1) / sw;
  const int Wq = P + Wo + Pr;
  pad_image(dy, padded, N, Ho, Wo, Co, Ho, Wq, 0, P);
  for (int n = 0; n < N; n++) {
    for (int h = 0; h < H; h++) {
      float* dxrow = dx + ((long)n * H + h) * W * C;
      for (int phase = 0; phase < sw && phase < W; phase++) {
        /* columns w = phase, phase + sw, …; the m-th has w + pl = (q0 + m)·sw + ρ */
        const int rho = (phase + pl) % sw;
        const int q0 = (phase + pl) / sw;
        const int count = (W - phase + sw - 1) / sw;
        for (int c = 0; c < C; c += 8) {
          for (int m = 0; m < count; m += 4) {
            const int R = min_i(4, count - m);
            int nt = 0;
            for (int a = (h + pt) % sh; a < kh; a += sh) {
              const int i = (h + pt - a) / sh;
              if (i < 0 || i >= Ho) continue;
              for (int b = rho; b < kw; b += sw) {
                /* dy column j = q0 + m − (b − ρ)/sw, at j + P in the padded copy (in range for
                   every tap and every pixel of the tile; outside the image it reads zeros) */
                const int j = q0 + m - (b - rho) / sw;
                xs[nt] = padded + (((long)n * Ho + i) * Wq + j + P) * Co;
                ws[nt] = wt + ((long)a * kw + b) * Co * C + c;
                nt++;
              }
            }
            float* out = dxrow + ((long)phase + (long)m * sw) * C + c;
            if (nt == 0) {
              for (int r = 0; r < R; r++) for (int v = 0; v < 8; v++) out[(long)r * sw * C + v] = 0.f;
            } else {
              conv_tile(R, xs, ws, nt, Co, Co, C, out, sw * C);
            }
          }
        }
      }
    }
  }
}

/* Stores the first `n` (1–4) lanes of v at p. */
static inline void store_lanes(float* p, v128_t v, int n) {
  if (n >= 4) { wasm_v128_store(p, v); return; }
  p[0] = wasm_f32x4_extract_lane(v, 0);
  if (n > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (n > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

/*
 * One output pixel's channels c .. c + 4V of the input gradient:
 *   dx[c..] = Σ_{taps t} Σ_o wt[t, o, c..] · dy[t's pixel, o]
 * over the `ntaps` taps in `dys` (their dy pixels) and `wts` (their [Co, Cp] filter slices).
 */
#define INPUT_BLOCK(V)                                                                               \
  static void input_block_##V(const float* const* dys, const float* const* wts, int ntaps, int Co,   \
                              int Cp, int c, float* out, int nvalid) {                               \
    v128_t acc[V];                                                                                   \
    for (int v = 0; v < V; v++) acc[v] = wasm_f32x4_splat(0.f);                                      \
    for (int t = 0; t < ntaps; t++) {                                                                \
      const float* dp = dys[t];                                                                      \
      const float* wp = wts[t] + c;                                                                  \
      for (int o = 0; o < Co; o++, wp += Cp) {                                                       \
        v128_t d = wasm_v128_load32_splat(dp + o);                                                   \
        for (int v = 0; v < V; v++) acc[v] = MADD(acc[v], wasm_v128_load(wp + 4 * v), d); \
      }                                                                                              \
    }                                                                                                \
    for (int v = 0; v < V; v++) store_lanes(out + 4 * v, acc[v], nvalid - 4 * v);                  \
  }
INPUT_BLOCK(1)
INPUT_BLOCK(2)
INPUT_BLOCK(4)
INPUT_BLOCK(8)

/*
 * The input gradient for few input channels (C < 8, e.g. an RGB image out of the decoder's
 * last conv-transpose), where vectors over c would be mostly empty: vectors over o instead,
 *   dx[c] = hsum_o Σ_t dy[t's pixel, o..o+4] · w[t, c, o..o+4],
 * with w in its own layout [kh, kw, C, Co] and Co a multiple of 4.
 */
#define INPUT_SMALL_C(CC)                                                                            \
  static void input_small_##CC(const float* const* dys, const float* const* ws, int ntaps, int Co, float* out) { \
    v128_t acc[CC];                                                                                  \
    for (int c = 0; c < CC; c++) acc[c] = wasm_f32x4_splat(0.f);                                     \
    for (int t = 0; t < ntaps; t++) {                                                                \
      const float* dp = dys[t];                                                                      \
      const float* wp = ws[t];                                                                       \
      for (int o = 0; o < Co; o += 4) {                                                              \
        v128_t d = wasm_v128_load(dp + o);                                                           \
        for (int c = 0; c < CC; c++) acc[c] = MADD(acc[c], wasm_v128_load(wp + c * Co + o), d); \
      }                                                                                              \
    }                                                                                                \
    for (int c = 0; c < CC; c++) {                                                                   \
      v128_t v = acc[c];                                                                             \
      out[c] = (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 2)) +                     \
               (wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 3));                      \
    }                                                                                                \
  }
INPUT_SMALL_C(1)
INPUT_SMALL_C(2)
INPUT_SMALL_C(3)
INPUT_SMALL_C(4)
INPUT_SMALL_C(5)
INPUT_SMALL_C(6)
INPUT_SMALL_C(7)

/*
 * Conv2DBackpropInput (also conv2dTranspose's forward pass):
 *   dx[n, h, w, c] = Σ_{a,b,o : h = i·sh + a − pt, w = j·sw + b − pl} dy[n, i, j, o] · W[a, b, c, o]
 * gathered per output pixel (only the taps that reach it: ⌈kh/sh⌉·⌈kw/sw⌉ for 'same' layouts).
 * w is the filter [kh, kw, C, Co]; wt the same as [kh, kw, Co, Cp], c fastest and zero-padded to
 * Cp = C rounded up to 4 (filter_for_input builds it; unused when C < 8 and Co is a multiple
 * of 4). dy [N, Ho, Wo, Co], dx [N, H, W, C] overwritten.
 * `taps` is scratch for 2·kh·kw pointers.
 */
EXPORT(conv2d_backprop_input)
void conv2d_backprop_input(const float* dy, const float* w, const float* wt, float* dx, int N, int H, int W, int C,
                           int Ho, int Wo, int Co, int kh, int kw, int sh, int sw, int pt, int pl, const float** taps) {
  const int Cp = (C + 3) & ~3;
  /* Few input channels: vectors over o on the filter as it is (wt unused). */
  const int small = C < 8 && (Co & 3) == 0;
  const float** dys = taps;
  const float** wts = taps + kh * kw;
  for (int n = 0; n < N; n++) {
    for (int h = 0; h < H; h++) {
      for (int x = 0; x < W; x++) {
        int nt = 0;
        for (int a = (h + pt) % sh; a < kh; a += sh) {
          const int i = (h + pt - a) / sh;
          if (i < 0 || i >= Ho) continue;
          for (int b = (x + pl) % sw; b < kw; b += sw) {
            const int j = (x + pl - b) / sw;
            if (j < 0 || j >= Wo) continue;
            dys[nt] = dy + (((long)n * Ho + i) * Wo + j) * Co;
            wts[nt] = small ? w + ((long)a * kw + b) * C * Co : wt + ((long)a * kw + b) * Co * Cp;
            nt++;
          }
        }
        float* out = dx + (((long)n * H + h) * W + x) * C;
        if (small) {
          switch (C) {
            case 1: input_small_1(dys, wts, nt, Co, out); break;
            case 2: input_small_2(dys, wts, nt, Co, out); break;
            case 3: input_small_3(dys, wts, nt, Co, out); break;
            case 4: input_small_4(dys, wts, nt, Co, out); break;
            case 5: input_small_5(dys, wts, nt, Co, out); break;
            case 6: input_small_6(dys, wts, nt, Co, out); break;
            default: input_small_7(dys, wts, nt, Co, out); break;
          }
          continue;
        }
        int c = 0;
        for (; c + 32 <= Cp; c += 32) input_block_8(dys, wts, nt, Co, Cp, c, out + c, C - c);
        for (; c + 16 <= Cp; c += 16) input_block_4(dys, wts, nt, Co, Cp, c, out + c, C - c);
        for (; c + 8 <= Cp; c += 8) input_block_2(dys, wts, nt, Co, Cp, c, out + c, C - c);
        for (; c < Cp; c += 4) input_block_1(dys, wts, nt, Co, Cp, c, out + c, C - c);
      }
    }
  }
}

/* wt[a, b, o, c] = w[a, b, c, o] with c zero-padded to Cp = C rounded up to 4. */
EXPORT(filter_for_input)
void filter_for_input(const float* w, float* wt, int kh, int kw, int C, int Co) {
  const int Cp = (C + 3) & ~3;
  for (int t = 0; t < kh * kw; t++) {
    for (int o = 0; o < Co; o++) {
      for (int c = 0; c < Cp; c++) wt[((long)t * Co + o) * Cp + c] = c < C ? w[((long)t * C + c) * Co + o] : 0.f;
    }
  }
}

/* y[m, c] = x[m, c] + b[c] for x [M, C]: a layer's bias, broadcast over batch, rows and columns. */
EXPORT(bias_add)
void bias_add(const float* x, const float* b, float* y, int M, int C) {
  if ((C & 3) == 0) {
    for (int m = 0; m < M; m++, x += C, y += C) {
      for (int c = 0; c < C; c += 4) wasm_v128_store(y + c, wasm_f32x4_add(wasm_v128_load(x + c), wasm_v128_load(b + c)));
    }
    return;
  }
  for (int m = 0; m < M; m++, x += C, y += C) {
    for (int c = 0; c < C; c++) y[c] = x[c] + b[c];
  }
}

/* dx = dy · [y > 0] for y = relu(x) (or x itself: the same sign test): relu's gradient in one pass. */
EXPORT(relu_grad)
void relu_grad(const float* dy, const float* y, float* dx, int n) {
  int i = 0;
  const v128_t zero = wasm_f32x4_splat(0.f);
  for (; i + 4 <= n; i += 4) {
    v128_t mask = wasm_f32x4_gt(wasm_v128_load(y + i), zero);
    wasm_v128_store(dx + i, wasm_v128_and(wasm_v128_load(dy + i), mask));
  }
  for (; i < n; i++) dx[i] = y[i] > 0.f ? dy[i] : 0.f;
}

/*
 * e^t for t ≤ 0 (Cephes expf: t = n·ln2 + r, |r| ≤ ln2/2, a degree-7 polynomial in r times
 * 2^n built in the exponent bits; ~1 ulp), and exactly 0 below t = −40 (e^−40 ≈ 4e−18).
 * The flush matters for speed, not accuracy (softplus and σ move by < 4e−18, far below
 * float32's resolution of the sums they enter): a confident decoder's background logits
 * reach −90 and beyond, and e^t there is a subnormal float, which stays subnormal through
 * σ(l), the likelihood's gradient and the decoder's backward convolutions; x86 handles each
 * such multiply in microcode, ~100× slower. Unflushed, a reacher pretraining step slowed from
 * 0.43 to 0.9 s by step 250 as more pixels became confident. Flushed at −70 instead, s² in
 * log1p_unit is still subnormal for t in (−70, −43), and e^−70·dy shrinks to subnormals in
 * the decoder's backward pass: a nav2d step's likelihood took 3.1 ms instead of 0.8 by step
 * 1,200.
 */
static inline v128_t exp_nonpositive(v128_t t) {
  const v128_t keep = wasm_f32x4_ge(t, wasm_f32x4_splat(-40.f));
  t = wasm_f32x4_max(t, wasm_f32x4_splat(-40.f));
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(t, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(t, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), wasm_f32x4_splat(1.f));
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_v128_and(wasm_f32x4_mul(p, scale), keep);
}

/*
 * log(1 + e) for e ∈ [0, 1] as 2·atanh(s), s = e / (2 + e) ∈ [0, 1/3]:
 * 2s·(1 + s²/3 + s⁴/5 + … + s¹⁴/15), relative error < 2e−8 and no cancellation at small e.
 */
static inline v128_t log1p_unit(v128_t e) {
  v128_t s = wasm_f32x4_div(e, wasm_f32x4_add(e, wasm_f32x4_splat(2.f)));
  v128_t s2 = wasm_f32x4_mul(s, s);
  v128_t p = wasm_f32x4_splat(1.f / 15.f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.f / 13.f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.f / 11.f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.f / 9.f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.f / 7.f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.f / 5.f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.f / 3.f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, s2), wasm_f32x4_splat(1.f));
  return wasm_f32x4_mul(wasm_f32x4_add(s, s), p);
}

/*
 * The Bernoulli log-likelihood of the decoder's logits, per row (image):
 *   ll[r] = Σ_c t·l − softplus(l),   softplus(l) = max(l, 0) + log(1 + e^−|l|)
 * x, t [rows, cols] with cols a multiple of 4.
 */
EXPORT(bernoulli_loglik)
void bernoulli_loglik(const float* l, const float* t, float* ll, int rows, int cols) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  for (int r = 0; r < rows; r++, l += cols, t += cols) {
    v128_t acc = zero;
    for (int c = 0; c < cols; c += 4) {
      v128_t x = wasm_v128_load(l + c);
      v128_t e = exp_nonpositive(wasm_f32x4_neg(wasm_f32x4_abs(x)));
      v128_t sp = wasm_f32x4_add(wasm_f32x4_max(x, zero), log1p_unit(e));
      acc = wasm_f32x4_add(acc, wasm_f32x4_sub(wasm_f32x4_mul(wasm_v128_load(t + c), x), sp));
    }
    ll[r] = (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 2)) +
            (wasm_f32x4_extract_lane(acc, 1) + wasm_f32x4_extract_lane(acc, 3));
  }
}

/*
 * Its gradient: dl[r, c] = dy[r]·(t − σ(l)), σ(l) = 1/(1 + e) for l ≥ 0 and e/(1 + e) for
 * l < 0, e = e^−|l| (no overflow either way).
 */
EXPORT(bernoulli_loglik_grad)
void bernoulli_loglik_grad(const float* dy, const float* l, const float* t, float* dl, int rows, int cols) {
  const v128_t zero = wasm_f32x4_splat(0.f), one = wasm_f32x4_splat(1.f);
  for (int r = 0; r < rows; r++, l += cols, t += cols, dl += cols) {
    const v128_t d = wasm_f32x4_splat(dy[r]);
    for (int c = 0; c < cols; c += 4) {
      v128_t x = wasm_v128_load(l + c);
      v128_t e = exp_nonpositive(wasm_f32x4_neg(wasm_f32x4_abs(x)));
      v128_t inv = wasm_f32x4_div(one, wasm_f32x4_add(one, e));
      v128_t sig = wasm_v128_bitselect(inv, wasm_f32x4_mul(e, inv), wasm_f32x4_ge(x, zero));
      wasm_v128_store(dl + c, wasm_f32x4_mul(d, wasm_f32x4_sub(wasm_v128_load(t + c), sig)));
    }
  }
}

/*
 * One Adam step of one variable (model/adam.ts's formula, each operation rounded to float32
 * in the order tfjs's ops round it, so the result is bit-for-bit theirs):
 *   g ← g·scale (if clipped),  m ← m·β₁ + g·(1 − β₁),  v ← v·β₂ + (g·g)·(1 − β₂),
 *   θ ← θ − (m·lr̂) / (√v + ε)
 * with m and v of magnitude below FLT_MIN set to 0 (subnormals): wasm has no flush-to-zero,
 * and the moments of weights whose gradient stays 0 (a dead unit) decay geometrically into
 * the subnormal range, where x86 takes a microcode assist on every operation (a quarter of a
 * nav2d decoder layer's m was subnormal by step 1,200, and its Adam step took 7.4 ms instead
 * of 1.8). θ moves by < 1e-38·lr̂/ε there, below float32's resolution of any weight that is
 * not itself subnormal.
 * The constants come rounded to float32 by the caller, as tfjs's scalars are.
 */
EXPORT(adam_update)
void adam_update(const float* theta, const float* m, const float* v, const float* g, float* theta_out, float* m_out,
                 float* v_out, int n, int scaled, float scale, float b1, float c1, float b2, float c2, float lr_hat,
                 float eps) {
  int i = 0;
  const v128_t S = wasm_f32x4_splat(scale), B1 = wasm_f32x4_splat(b1), C1 = wasm_f32x4_splat(c1);
  const v128_t B2 = wasm_f32x4_splat(b2), C2 = wasm_f32x4_splat(c2), LR = wasm_f32x4_splat(lr_hat), E = wasm_f32x4_splat(eps);
  const v128_t TINY = wasm_f32x4_splat(__FLT_MIN__);
  for (; i + 4 <= n; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    if (scaled) gi = wasm_f32x4_mul(gi, S);
    v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), B1), wasm_f32x4_mul(gi, C1));
    v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), B2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), C2));
    // |x| < FLT_MIN → +0 (a NaN compares false and stays).
    mi = wasm_v128_andnot(mi, wasm_f32x4_lt(wasm_f32x4_abs(mi), TINY));
    vi = wasm_v128_andnot(vi, wasm_f32x4_lt(wasm_f32x4_abs(vi), TINY));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(mi, LR), wasm_f32x4_add(wasm_f32x4_sqrt(vi), E));
    wasm_v128_store(m_out + i, mi);
    wasm_v128_store(v_out + i, vi);
    wasm_v128_store(theta_out + i, wasm_f32x4_sub(wasm_v128_load(theta + i), step));
  }
  for (; i < n; i++) {
    float gi = g[i];
    if (scaled) gi = gi * scale;
    float mi = m[i] * b1 + gi * c1;
    const float gg = gi * gi;
    float vi = v[i] * b2 + gg * c2;
    if (__builtin_fabsf(mi) < __FLT_MIN__) mi = 0.f;
    if (__builtin_fabsf(vi) < __FLT_MIN__) vi = 0.f;
    const float ml = mi * lr_hat;
    const float den = __builtin_sqrtf(vi) + eps;
    m_out[i] = mi;
    v_out[i] = vi;
    theta_out[i] = theta[i] - ml / den;
  }
}
