// How each operator carries the batch through an ONNX graph: given what its inputs are with respect
// to the batch, what its outputs are. A rule answers null whenever it cannot be sure that running the
// node on a slice of the batch gives the same slice of its outputs; the model then runs whole.
import {
  batched, constantIntegers, isBatched, normalized, normalizedAll, type BatchFact, type Constants, type Facts, type Rule,
} from './batch-facts';
import { LAYER_RULES } from './batch-rules-layers';
import type { PlannedNode } from './graph';
import type { Value } from './value';

export type { BatchFact } from './batch-facts';

/** Squeeze and Unsqueeze: an attribute before opset 13, a constant input since. */
function axesOf(node: PlannedNode, constants: Constants): number[] | null {
  return node.attributes.ints('axes') ?? constantIntegers(constants[1]);
}

const passThrough: Rule = (_, [x]) => (x ? [x] : null);

const transpose: Rule = (node, [x]) => {
  if (!isBatched(x)) return null;
  const perm = node.attributes.ints('perm') ?? Array.from({ length: x.rank }, (_, i) => x.rank - 1 - i);
  const axis = perm.indexOf(x.axis);
  return perm.length === x.rank && axis >= 0 ? [batched(axis, x.rank)] : null;
};

// Without explicit axes Squeeze drops every axis of size 1, the batch too when a slice holds one sequence.
const squeeze: Rule = (node, [x], constants) => {
  const given = axesOf(node, constants);
  const axes = isBatched(x) && given ? normalizedAll(given, x.rank) : null;
  if (!isBatched(x) || !axes || axes.includes(x.axis)) return null;
  return [batched(x.axis - axes.filter((a) => a < x.axis).length, x.rank - axes.length)];
};

const unsqueeze: Rule = (node, [x], constants) => {
  const given = axesOf(node, constants);
  if (!x || !given) return null;
  if (x.kind === 'sizes' && x.length === null) {
    return given.length === 1 && normalized(given[0], 1) === 0 ? [{ kind: 'sizes', length: 1, batchAt: x.batchAt }] : null;
  }
  if (!isBatched(x)) return null;
  const rank = x.rank + given.length;
  const inserted = normalizedAll(given, rank);
  if (!inserted) return null;
  const kept = Array.from({ length: rank }, (_, i) => i).filter((i) => !inserted.includes(i));
  return [batched(kept[x.axis], rank)];
};

// A 0 in the target copies the input's dimension: the batch stays where it is if every dimension up to
// it is copied, and what follows it cannot then depend on the batch size. A computed target (x.view(B, -1))
// keeps a leading batch axis when its first entry, and no other, is the batch size.
const reshape: Rule = (node, [x, target], constants) => {
  if (!isBatched(x) || node.attributes.int('allowzero', 0) !== 0) return null;
  if (target?.kind === 'sizes') {
    const leading = x.axis === 0 && target.length !== null && target.batchAt.length === 1 && target.batchAt[0] === 0;
    return leading ? [batched(0, target.length!)] : null;
  }
  const dims = constantIntegers(constants[1]);
  return dims && dims.slice(0, x.axis + 1).every((d) => d === 0) ? [batched(x.axis, dims.length)] : null;
};

/** Slice's axes, when every argument is a constant: a computed start or end could follow the batch size. */
function sliceAxes(node: PlannedNode, constants: Constants, rank: number): number[] | null {
  const { attributes } = node;
  if (attributes.has('starts')) {
    return normalizedAll(attributes.ints('axes') ?? attributes.ints('starts')!.map((_, i) => i), rank);
  }
  const given = (i: number) => (node.inputs[i] ? constantIntegers(constants[i]) : undefined);
  const [starts, ends, axes, steps] = [given(1), given(2), given(3), given(4)];
  if (!starts || !ends || axes === null || steps === null) return null;
  return normalizedAll(axes ?? starts.map((_, i) => i), rank);
}

const slice: Rule = (node, [x], constants) => {
  if (!isBatched(x)) return null;
  const axes = sliceAxes(node, constants, x.rank);
  return axes && !axes.includes(x.axis) ? [x] : null;
};

const shape: Rule = (node, [x]) => {
  if (!isBatched(x)) return null;
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + x.rank : i, 0), x.rank);
  const start = clamp(node.attributes.int('start', 0));
  const end = clamp(node.attributes.int('end') ?? x.rank);
  const inside = x.axis >= start && x.axis < end;
  return [{ kind: 'sizes', length: Math.max(0, end - start), batchAt: inside ? [x.axis - start] : [] }];
};

/** Gather from a shape vector: which of the picked entries are the batch size. */
function gatherSizes(data: Extract<BatchFact, { kind: 'sizes' }>, node: PlannedNode, constants: Constants): BatchFact | null {
  const indices = constantIntegers(constants[1]);
  if (data.length === null || !indices || normalized(node.attributes.int('axis', 0), 1) !== 0) return null;
  const picked = indices.map((i) => normalized(i, data.length!));
  if (picked.some((i) => i === null)) return null;
  const batchAt = picked.flatMap((i, j) => (data.batchAt.includes(i!) ? [j] : []));
  return { kind: 'sizes', length: constants[1]!.shape.length === 0 ? null : picked.length, batchAt };
}

/**
 * Gather: from a shape vector; rows of a fixed table by batched ids (nn.Embedding), the indices' axes
 * taking the gathered axis' place; or fixed indices along another axis than the batch (out[:, -1]).
 */
const gather: Rule = (node, [data, indices], constants) => {
  if (data?.kind === 'sizes') return wrap(gatherSizes(data, node, constants));
  if (data?.kind === 'fixed' && isBatched(indices) && constants[0]) {
    const rank = constants[0].shape.length;
    const axis = normalized(node.attributes.int('axis', 0), rank);
    return axis === null ? null : [batched(axis + indices.axis, rank - 1 + indices.rank)];
  }
  if (isBatched(data) && indices?.kind === 'fixed' && constants[1]) {
    const axis = normalized(node.attributes.int('axis', 0), data.rank);
    if (axis === null || axis === data.axis) return null;
    const indexRank = constants[1].shape.length;
    return [batched(data.axis < axis ? data.axis : data.axis - 1 + indexRank, data.rank - 1 + indexRank)];
  }
  return null;
};

const wrap = (fact: BatchFact | null) => (fact ? [fact] : null);

/** A piece of a shape vector being assembled: computed sizes, or a 1-D integer constant. */
function sizesPiece(fact: BatchFact | undefined, constant: Value | undefined): { length: number; batchAt: number[] } | null {
  if (fact?.kind === 'sizes') return fact.length === null ? null : { length: fact.length, batchAt: fact.batchAt };
  const integers = constant?.shape.length === 1 ? constantIntegers(constant) : null;
  return integers ? { length: integers.length, batchAt: [] } : null;
}

function concatSizes(inputs: Facts, constants: Constants): BatchFact | null {
  const batchAt: number[] = [];
  let length = 0;
  for (const [i, fact] of inputs.entries()) {
    const piece = sizesPiece(fact, constants[i]);
    if (!piece) return null;
    batchAt.push(...piece.batchAt.map((at) => at + length));
    length += piece.length;
  }
  return { kind: 'sizes', length, batchAt };
}

const concat: Rule = (node, inputs, constants) => {
  const first = inputs[0];
  if (isBatched(first)) {
    const axis = normalized(node.attributes.int('axis') ?? 0, first.rank);
    const same = inputs.every((x) => isBatched(x) && x.axis === first.axis && x.rank === first.rank);
    return same && axis !== first.axis ? [first] : null;
  }
  const sizes = concatSizes(inputs, constants);
  return sizes ? [sizes] : null;
};

const constantOfShape: Rule = (_, [dims]) => {
  if (dims?.kind !== 'sizes' || dims.length === null || dims.batchAt.length > 1) return null;
  return [dims.batchAt.length === 0 ? { kind: 'fixed' } : batched(dims.batchAt[0], dims.length)];
};

/**
 * Expand to a constant shape leaves the batch alone where that shape has 1 (or nothing) there; to a
 * computed shape whose one batch-sized entry lands on the batch axis, or on an axis of size 1 of a fixed
 * value (a learned initial state expanded to the batch, h0.expand(-1, B, -1)), it puts the batch there.
 */
const expand: Rule = (_, [x, target], constants) => {
  if (isBatched(x) && target?.kind === 'fixed') {
    const dims = constantIntegers(constants[1]);
    if (!dims) return null;
    const rank = Math.max(x.rank, dims.length);
    const axis = x.axis + rank - x.rank;
    const at = axis - (rank - dims.length);
    return at < 0 || dims[at] === 1 ? [batched(axis, rank)] : null;
  }
  if (target?.kind !== 'sizes' || target.length === null || target.batchAt.length !== 1) return null;
  const rank = Math.max(target.length, isBatched(x) ? x.rank : constants[0]?.shape.length ?? Infinity);
  const axis = target.batchAt[0] + rank - target.length;
  if (isBatched(x)) return x.axis + rank - x.rank === axis ? [batched(axis, rank)] : null;
  const shape = x?.kind === 'fixed' ? constants[0]?.shape : undefined;
  if (!shape || rank === Infinity) return null;
  const at = axis - (rank - shape.length);
  return at < 0 || shape[at] === 1 ? [batched(axis, rank)] : null;
};

/** X [T, B, D] (layout 0) or [B, T, D] (1); sequence_lens [B]; initial_h [nd, B, H] or [B, nd, H]; W, R and B fixed. */
const rnn: Rule = (node, inputs) => {
  const timeMajor = node.attributes.int('layout', 0) === 0;
  const [x, w, r, b, lengths, initial] = inputs;
  if ([w, r, b].some((weights) => weights && weights.kind !== 'fixed')) return null; // weights fed per call are the same for every slice only if fixed
  const fits = (fact: BatchFact | undefined, axis: number, rank: number) => isBatched(fact) && fact.axis === axis && fact.rank === rank;
  if (!fits(x, timeMajor ? 1 : 0, 3)) return null;
  if (lengths && !fits(lengths, 0, 1)) return null;
  if (initial && !fits(initial, timeMajor ? 1 : 0, 3)) return null;
  // Y [T, nd, B, H] or [B, T, nd, H]; Y_h [nd, B, H] or [B, nd, H].
  return [batched(timeMajor ? 2 : 0, 4), batched(timeMajor ? 1 : 0, 3)];
};

const RULES: ReadonlyMap<string, Rule> = new Map([
  ['Cast', passThrough], ['Concat', concat], ['ConstantOfShape', constantOfShape], ['Expand', expand], ['Gather', gather],
  ['Identity', passThrough], ['Reshape', reshape], ['RNN', rnn], ['Shape', shape], ['Slice', slice],
  ['Squeeze', squeeze], ['Transpose', transpose], ['Unsqueeze', unsqueeze], ...LAYER_RULES,
]);

/** The facts of a node's outputs, or null when the node's rule (or the lack of one) cannot tell. */
export function outputFacts(node: PlannedNode, inputs: Facts, constants: Constants): BatchFact[] | null {
  const present = inputs.filter((fact) => fact !== undefined);
  if (present.length > 0 && present.every((fact) => fact.kind === 'fixed')) return node.outputs.map(() => ({ kind: 'fixed' }));
  try {
    return RULES.get(node.opType)?.(node, inputs, constants) ?? null;
  } catch {
    // Some attributes are only read when the node runs (Squeeze's axes, Slice's starts): a malformed one
    // is reported then, by the node itself, not while the model loads.
    return null;
  }
}
