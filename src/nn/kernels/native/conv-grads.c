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
          a0[r] = wasm_f32x4_add(a0[r], wasm_f32x4_mul(xv, d0));                                 \
          a1[r] = wasm_f32x4_add(a1[r], wasm_f32x4_mul(xv, d1));                                 \
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
        for (int v = 0; v < V; v++) acc[v] = wasm_f32x4_add(acc[v], wasm_f32x4_mul(wasm_v128_load(wp + 4 * v), d)); \
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
        for (int c = 0; c < CC; c++) acc[c] = wasm_f32x4_add(acc[c], wasm_f32x4_mul(wasm_v128_load(wp + c * Co + o), d)); \
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
