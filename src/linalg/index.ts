/** Small dense linear algebra on row-major Float64Array (dims ~2–20), for the hot loops. */
export { cholesky, choleskyInPlace, choleskyOrThrow, logDetFromCholesky } from './cholesky.js';
export { solveLower, solveLowerTransposed, solveUpper, choleskySolve } from './triangular.js';
export {
  matmul,
  matmulAT,
  matmulBT,
  matvec,
  matvecT,
  transpose,
  symmetrize,
  addScaledIdentity,
  identity,
  axpy,
  dot,
  bilinear,
  traceOfProduct,
  allFinite,
  inverseSPD,
} from './matrix.js';
export { symmetricEigen, projectPSD, type SymmetricEigen } from './eigen.js';
