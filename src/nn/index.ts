/** solar's neural-network layer on TensorFlow.js: backend choice, kernels, networks. */
export { backendInfo, initBackend, type BackendInfo, type BackendName, type BackendRequest, type InitBackendOptions } from './backend.js';
export { registerSolarKernels, restoreTfjsKernels, solarKernelsRegistered } from './kernels/register.js';
export { defaultChannels, ImageDecoder, ImageEncoder, type DecoderConfig, type EncoderConfig, type ImageShape } from './networks.js';
export { ParamSet, type NamedWeights } from './params.js';
export { bernoulliLogLik, klToStandardNormal } from './likelihoods.js';
export { stackFrames } from './frames.js';
