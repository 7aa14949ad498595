// The interface the timer and the agreement check see for each implementation under test.

export interface EngineOutputs {
  /** [T, B, nd·H] */
  output: Float32Array;
  /** [numLayers·nd, B, H] */
  hn: Float32Array;
}

export interface Engine {
  /** One forward call over the workload's input, writing into the buffers outputs() returns. */
  run(): void | Promise<void>;
  /** Set up and undo what the engine's calls need around them (a process-wide setting). */
  enter?(): void;
  leave?(): void;
  /** The results of the last run. */
  outputs(): EngineOutputs;
  dispose(): Promise<void>;
}
