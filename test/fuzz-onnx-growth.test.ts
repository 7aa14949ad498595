// A seeded fuzz suite of ONNX graphs whose values grow: chains of ConstantOfShape, Concat, Expand,
// Gather, Reshape, Slice, Transpose, Cast, Unsqueeze and Shape, over constants (folded while the file
// loads) and, in some graphs, over a graph input (run per call). The generator keeps every node valid,
// so each file must load (and run) or be refused by a budget: a RangeError saying what it would create.
// All files load in one child process, whose peak RSS must stay bounded.
//
// Environment: VANILLA_RNN_FUZZ_SEED (default 20261123), VANILLA_RNN_ONNX_GROWTH_GRAPHS (default 80).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { mulberry32 } from './support/fixtures';
import { measureLoads, RSS_BOUNDS_APPLY, type Failure } from './formats/helpers/measure-load';
import { FLOAT, INT64, modelBytes, node, tensor, valueInfo } from './formats/helpers/onnx-builder';

const SEED = Number(process.env.VANILLA_RNN_FUZZ_SEED ?? 20261123);
const GRAPHS = Math.max(10, Number(process.env.VANILLA_RNN_ONNX_GROWTH_GRAPHS ?? 80));
/** A load or a call holds at most a budget of 2^24 elements of 8 bytes (twice, before garbage is collected), plus Node itself. */
const MAX_RSS_MIB = 512;

/** The refusals a growing graph may meet: a budget, the element limit of one tensor, the rank limit. */
const REFUSALS = [
  /: would create \d+ elements(, after \d+ already created by (loading this file|this call))?, more than the \d+ (its size allows|this model and its inputs justify|any tensor may have)/,
  /: shape \[[\d, ]*\] has more than 2147483647 elements/,
  /: its result would have \d+ axes, more than the 64 a tensor may have/,
];

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

interface Known {
  name: string;
  shape: number[];
  integer: boolean;
}

/** One random graph, each node valid for the shapes its inputs have. */
class GrowingGraph {
  readonly nodes: object[] = [];
  readonly initializers: object[] = [];
  readonly values: Known[] = [];
  readonly steps: string[] = [];
  private count = 0;

  constructor(private readonly rng: Rng, readonly input: number | null) {
    this.values.push(this.ints([int(rng, 1, 64)]));
    if (input !== null) this.values.push({ name: 'X', shape: [input], integer: false }); // newest: chains start from it
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.count++}`;
  }

  /** An int64 initializer. */
  private ints(values: number[]): Known {
    const name = this.fresh('k');
    this.initializers.push(tensor(name, [values.length], values, INT64));
    return { name, shape: [values.length], integer: true };
  }

  private add(opType: string, inputs: string[], attributes: Record<string, never | number | number[] | object>, out: Omit<Known, 'name'>): void {
    const name = this.fresh('v');
    this.nodes.push(node(opType, inputs, [name], attributes as never, `/${opType}${this.count}`));
    this.values.push({ name, ...out });
    this.steps.push(`${opType}(${inputs.join(', ')}) -> [${out.shape.join(', ')}]`);
  }

  /** Mostly the newest values, so chains form. */
  private recent(): Known {
    const from = Math.max(0, this.values.length - 3);
    return this.values[int(this.rng, from, this.values.length - 1)];
  }

  private growDim(): number {
    return pick(this.rng, [1, 2, 3, 16, 256, 4096, 65536, 2 ** 20, 2 ** 24, 2 ** 28]);
  }

  step(): void {
    const rng = this.rng;
    const x = this.recent();
    const rank = x.shape.length;
    switch (int(rng, 0, 9)) {
      case 0: { // a fresh shape vector, filled
        const dims = Array.from({ length: int(rng, 1, 3) }, () => this.growDim());
        const shape = this.ints(dims);
        const integer = rng() < 0.5;
        this.add('ConstantOfShape', [shape.name], integer ? { value: { tensor: tensor('', [1], [7], INT64) } } : {}, { shape: dims, integer });
        break;
      }
      case 1: { // x repeated along an axis
        if (rank === 0) return;
        const times = int(rng, 2, 130);
        const axis = int(rng, 0, rank - 1);
        const shape = x.shape.slice();
        shape[axis] *= times;
        this.add('Concat', new Array(times).fill(x.name), { axis }, { shape, integer: x.integer });
        break;
      }
      case 2: { // a new leading axis by broadcasting
        const lead = this.growDim();
        this.add('Expand', [x.name, this.ints([lead, ...x.shape]).name], {}, { shape: [lead, ...x.shape], integer: x.integer });
        break;
      }
      case 3: { // many copies of one slice along axis 0, the indices themselves a growing constant
        if (rank === 0 || x.shape[0] === 0) return;
        const n = this.growDim();
        const zeros = this.fresh('i');
        this.nodes.push(node('ConstantOfShape', [this.ints([n]).name], [zeros], { value: { tensor: tensor('', [1], [0], INT64) } }));
        this.values.push({ name: zeros, shape: [n], integer: true });
        this.add('Gather', [x.name, zeros], { axis: 0 }, { shape: [n, ...x.shape.slice(1)], integer: x.integer });
        break;
      }
      case 4: this.add('Reshape', [x.name, this.ints([-1]).name], {}, { shape: [x.shape.reduce((a, b) => a * b, 1)], integer: x.integer }); break;
      case 5: { // a full slice: a copy as large as x
        if (rank === 0) return;
        this.add('Slice', [x.name, this.ints([0]).name, this.ints([2 ** 40]).name, this.ints([0]).name], {}, { shape: x.shape.slice(), integer: x.integer });
        break;
      }
      case 6: this.add('Transpose', [x.name], {}, { shape: x.shape.slice().reverse(), integer: x.integer }); break;
      case 7: this.add('Cast', [x.name], { to: x.integer ? FLOAT : INT64 }, { shape: x.shape.slice(), integer: !x.integer }); break;
      case 8: { // rank grows, data does not
        const axes = Array.from({ length: int(rng, 1, 30) }, (_, i) => i);
        this.add('Unsqueeze', [x.name, this.ints(axes).name], {}, { shape: [...axes.map(() => 1), ...x.shape], integer: x.integer });
        break;
      }
      default: this.add('Shape', [x.name], {}, { shape: [rank], integer: true });
    }
  }

  bytes(): Uint8Array {
    const last = this.values[this.values.length - 1];
    return modelBytes({
      nodes: this.nodes, initializers: this.initializers,
      inputs: this.input === null ? [] : [valueInfo('X', [this.input])], outputs: [valueInfo(last.name, null, last.integer ? INT64 : FLOAT)],
    });
  }
}

const scratch = mkdtempSync(path.join(tmpdir(), 'vanilla-rnn-onnx-growth-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const refusal = (failure: Failure) => failure.type === 'RangeError' && REFUSALS.some((r) => r.test(failure.message));

it(`ONNX graphs whose values grow (${GRAPHS}, seed ${SEED}) load and run, or are refused by a budget, within ${MAX_RSS_MIB} MiB`, async () => {
  const rng = mulberry32(SEED ^ 0x0a77);
  const graphs = Array.from({ length: GRAPHS }, (_, i) => {
    const graph = new GrowingGraph(rng, rng() < 0.4 ? pick(rng, [1, 1000, 2 ** 16]) : null);
    const length = int(rng, 2, 8);
    while (graph.nodes.length < length) graph.step();
    const file = path.join(scratch, `g${i}.onnx`);
    writeFileSync(file, graph.bytes());
    return { file, graph };
  });
  const { outcomes, maxRssMiB } = await measureLoads(graphs.map((g) => g.file), true);
  const problems = outcomes.flatMap((o, i) => {
    const failure = !o.loaded ? { type: o.type!, message: o.message! } : o.ran === false ? o.run! : null;
    if (!failure || refusal(failure)) return [];
    const { graph } = graphs[i];
    return [`graph ${i}${graph.input === null ? '' : ` (input [${graph.input}])`}: ${failure.type}: ${failure.message.slice(0, 200)}\n    ${graph.steps.join('\n    ')}`];
  });
  const refusedAtLoad = outcomes.filter((o) => !o.loaded).length;
  const refusedAtRun = outcomes.filter((o) => o.ran === false).length;
  const slowest = outcomes.reduce((worst, o, i) => (o.ms > worst.ms ? { ms: o.ms, i } : worst), { ms: 0, i: -1 });
  console.log(`onnx growth fuzz: ${GRAPHS} graphs, ${refusedAtLoad} refused while loading, ${refusedAtRun} refused while running, `
    + `${GRAPHS - refusedAtLoad - refusedAtRun} ran; peak RSS ${maxRssMiB.toFixed(0)} MiB; slowest graph ${slowest.i} (${slowest.ms.toFixed(0)} ms)`);
  expect(problems, problems.join('\n')).toEqual([]);
  expect(refusedAtLoad, 'the generator should grow past the budget in some graphs').toBeGreaterThan(0);
  expect(GRAPHS - refusedAtLoad - refusedAtRun, 'and stay within it in others').toBeGreaterThan(0);
  if (RSS_BOUNDS_APPLY) expect(maxRssMiB).toBeLessThanOrEqual(MAX_RSS_MIB);
}, 600_000);
