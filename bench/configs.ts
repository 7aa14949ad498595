// The benchmark's model shapes and the work each forward call does.

export interface BenchConfig {
  name: string;
  steps: number; // T
  batch: number; // B
  inputSize: number; // D
  hiddenSize: number; // H
  numLayers: number;
  bidirectional: boolean;
}

export const BENCH_CONFIGS: readonly BenchConfig[] = [
  { name: 'latency_b1_h256', steps: 100, batch: 1, inputSize: 256, hiddenSize: 256, numLayers: 1, bidirectional: false },
  { name: 'batch64_h512', steps: 100, batch: 64, inputSize: 512, hiddenSize: 512, numLayers: 1, bidirectional: false },
  { name: 'long_b1_h64', steps: 1000, batch: 1, inputSize: 64, hiddenSize: 64, numLayers: 1, bidirectional: false },
  { name: 'batch256_h128', steps: 50, batch: 256, inputSize: 128, hiddenSize: 128, numLayers: 1, bidirectional: false },
  { name: 'stack2_bidir_b16_h256', steps: 100, batch: 16, inputSize: 128, hiddenSize: 256, numLayers: 2, bidirectional: true },
  { name: 'tiny_call', steps: 1, batch: 1, inputSize: 8, hiddenSize: 8, numLayers: 1, bidirectional: false },
];

export function numDirections(config: BenchConfig): number {
  return config.bidirectional ? 2 : 1;
}

/** The input width of a layer: D for the first, the concatenated directions' H above it. */
export function layerInputSize(config: BenchConfig, layer: number): number {
  return layer === 0 ? config.inputSize : numDirections(config) * config.hiddenSize;
}

/** Floating-point operations of one forward call: 2·T·B·(D·H + H·H) per layer and direction. */
export function flopsPerCall(config: BenchConfig): number {
  const { steps: t, batch: b, hiddenSize: h } = config;
  let flops = 0;
  for (let layer = 0; layer < config.numLayers; layer++) {
    flops += numDirections(config) * 2 * t * b * (layerInputSize(config, layer) * h + h * h);
  }
  return flops;
}

export function describeShape(config: BenchConfig): string {
  const extras = [];
  if (config.numLayers > 1) extras.push(`${config.numLayers} layers`);
  if (config.bidirectional) extras.push('bidirectional');
  const shape = `(${config.steps}, ${config.batch}, ${config.inputSize}, ${config.hiddenSize})`;
  return extras.length > 0 ? `${shape}, ${extras.join(', ')}` : shape;
}

export function selectConfigs(only: readonly string[] | undefined): BenchConfig[] {
  if (only === undefined || only.length === 0) return BENCH_CONFIGS.slice();
  const known = new Set(BENCH_CONFIGS.map((config) => config.name));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new RangeError(`bench: unknown config(s) ${unknown.join(', ')}; expected some of ${[...known].join(', ')}`);
  }
  return BENCH_CONFIGS.filter((config) => only.includes(config.name));
}
