// The few matrix operations the network needs, on float64 matrices stored row by row.
//
// A Matrix of shape (rows, cols) keeps its entries in one Float64Array, entry (i, j) at
// data[i * cols + j]: the layout of a C-ordered numpy array. The book lays data out features x
// samples, so a layer's activations A of shape (n_units, n_samples) hold one sample per column.
// Each operation writes into an `out` matrix given by the caller, so that a training loop can
// reuse the same arrays every epoch instead of allocating new ones.

export class Matrix {
  /**
   * @param {number} rows
   * @param {number} cols
   * @param {Float64Array} [data] - rows * cols entries, row by row; zeros if left out
   */
  constructor(rows, cols, data = new Float64Array(rows * cols)) {
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  /** A matrix from nested arrays, one inner array per row: `Matrix.from([[2, -1, 3]])`. */
  static from(nested) {
    const rows = nested.length;
    const cols = rows ? nested[0].length : 0;
    return new Matrix(rows, cols, Float64Array.from(nested.flat()));
  }

  /** [rows, cols], as numpy's `shape`. */
  get shape() {
    return [this.rows, this.cols];
  }

  /** Entry (i, j). */
  get(i, j) {
    return this.data[i * this.cols + j];
  }

  /** The entries as nested arrays, one inner array per row. */
  toArray() {
    return Array.from({ length: this.rows }, (_, i) =>
      Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)),
    );
  }

  /** A copy that shares nothing with this matrix. */
  copy() {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }
}

// The three products below compute each entry of `out` as a sum over p of products, added in the
// order p = 0, 1, 2, ... like the plain triple loop. They work on two rows by four columns of `out`
// at a time, in eight running sums, so that each number loaded from memory serves several sums:
// the same results, bit for bit, three to four times faster in V8 than the plain loop.

/**
 * out = A @ B, for A of shape (m, k) and B of shape (k, n); out has shape (m, n).
 * out[i, j] = sum over p of A[i, p] * B[p, j].
 */
export function matmul(out, A, B) {
  return multiply(out, A.data, A.cols, 1, B.data, A.rows, A.cols, B.cols);
}

/**
 * out = A.T @ B, for A of shape (k, m) and B of shape (k, n); out has shape (m, n).
 * out[i, j] = sum over p of A[p, i] * B[p, j].
 */
export function matmulTransposeA(out, A, B) {
  return multiply(out, A.data, 1, A.cols, B.data, A.cols, A.rows, B.cols);
}

/**
 * out = A @ B.T, for A of shape (m, k) and B of shape (n, k); out has shape (m, n).
 * out[i, j] = sum over p of A[i, p] * B[j, p]: the dot product of row i of A with row j of B.
 */
export function matmulTransposeB(out, A, B) {
  const m = A.rows, k = A.cols, n = B.rows;
  const a = A.data, b = B.data, o = out.data;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = i * k, a1 = a0 + k;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p], x1 = a[a1 + p];
        const y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], y3 = b[b3 + p];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      const r0 = i * n + j, r1 = r0 + n;
      o[r0] = s00; o[r0 + 1] = s01; o[r0 + 2] = s02; o[r0 + 3] = s03;
      o[r1] = s10; o[r1 + 1] = s11; o[r1 + 2] = s12; o[r1 + 3] = s13;
    }
    for (; j < n; j++) {
      let s0 = 0, s1 = 0;
      for (let p = 0; p < k; p++) {
        s0 += a[a0 + p] * b[j * k + p];
        s1 += a[a1 + p] * b[j * k + p];
      }
      o[i * n + j] = s0;
      o[(i + 1) * n + j] = s1;
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p] * b[j * k + p];
      o[i * n + j] = sum;
    }
  }
  return out;
}

/**
 * out (m, n) = A (m, k) @ B (k, n), where A[i, p] is a[i * rowStride + p * colStride]: A itself
 * (rowStride k, colStride 1) or the transpose of a (k, m) matrix (rowStride 1, colStride m).
 */
function multiply(out, a, rowStride, colStride, b, m, k, n) {
  const o = out.data;
  let i = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = i * rowStride, a1 = a0 + rowStride;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let p = 0, ap = 0, q = j; p < k; p++, ap += colStride, q += n) {
        const x0 = a[a0 + ap], x1 = a[a1 + ap]; // A[i, p], A[i + 1, p]
        const y0 = b[q], y1 = b[q + 1], y2 = b[q + 2], y3 = b[q + 3]; // B[p, j .. j + 3]
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      const r0 = i * n + j, r1 = r0 + n;
      o[r0] = s00; o[r0 + 1] = s01; o[r0 + 2] = s02; o[r0 + 3] = s03;
      o[r1] = s10; o[r1 + 1] = s11; o[r1 + 2] = s12; o[r1 + 3] = s13;
    }
    for (; j < n; j++) {
      let s0 = 0, s1 = 0;
      for (let p = 0; p < k; p++) {
        s0 += a[a0 + p * colStride] * b[p * n + j];
        s1 += a[a1 + p * colStride] * b[p * n + j];
      }
      o[i * n + j] = s0;
      o[(i + 1) * n + j] = s1;
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * rowStride + p * colStride] * b[p * n + j];
      o[i * n + j] = sum;
    }
  }
  return out;
}

/**
 * The sum of a[start], ..., a[start + n - 1], added as numpy's np.sum adds them (pairwise_sum in
 * numpy/_core/src/umath/loops_utils.h.src): one by one below 8 numbers; up to 128, in eight
 * running sums combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the rest one by
 * one; above 128, the two halves (cut at a multiple of 8) each summed so. Same numbers, same
 * roundings as numpy.
 */
export function pairwiseSum(a, start, n) {
  if (n < 8) {
    let sum = -0; // numpy starts from -0, so that a sum of -0s is -0
    for (let i = start; i < start + n; i++) sum += a[i];
    return sum;
  }
  if (n <= 128) {
    let r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
    let r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
    let i = start + 8;
    for (const end = start + n - (n % 8); i < end; i += 8) {
      r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3];
      r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7];
    }
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < start + n; i++) sum += a[i];
    return sum;
  }
  const half = Math.floor(n / 2) - (Math.floor(n / 2) % 8);
  return pairwiseSum(a, start, half) + pairwiseSum(a, start + half, n - half);
}
