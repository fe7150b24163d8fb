// CPU reference TRM: per-op kernels (ground truth for the WGSL kernel tests), the network, the
// recursion and the TrmEngine built on them.
export * from './ops';
export { ReferenceNetwork } from './network';
export { ReferenceRun, ReferenceTrm, solveReference, type AdvanceResult, type ReferenceInnerTrace, type ReferenceSolveOptions } from './trm';
export { CpuEngine, createCpuEngine } from './cpu-engine';
