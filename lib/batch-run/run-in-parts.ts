// Runs a model on its input a part at a time (await model.run per part, so one part's memory at a
// time besides the outputs) and joins the parts' outputs along their batch axes.
import type { Model } from '../model';
import type { Tensor } from '../tensor';
import type { BatchPlan } from './plan';
import { concatAlong, sliceAlong } from './slices';

type Feeds = Record<string, Tensor>;
type Parts = Extract<BatchPlan, { kind: 'parts' }>;

function feedsFor(feeds: Feeds, plan: Parts, start: number, count: number): Feeds {
  return Object.fromEntries(Object.entries(feeds).map(([name, tensor]) => [name, sliceAlong(tensor, plan.axes.inputs[name], start, count)]));
}

function joined(parts: Map<string, Tensor[]>, plan: Parts): Record<string, Tensor> {
  return Object.fromEntries([...parts].map(([name, tensors]) => {
    const axis = plan.axes.outputs[name];
    if (axis === undefined) throw new Error(`output '${name}' has no batch axis to join its parts along`);
    return [name, concatAlong(tensors, axis, `output '${name}'`)];
  }));
}

/** `done` hears how many sequences have run after each part. */
export async function runInParts(model: Model, feeds: Feeds, plan: Parts, done: (sequences: number) => void): Promise<Record<string, Tensor>> {
  const parts = new Map<string, Tensor[]>();
  for (let start = 0; start < plan.sequences; start += plan.batchSize) {
    const count = Math.min(plan.batchSize, plan.sequences - start);
    const outputs = await model.run(feedsFor(feeds, plan, start, count));
    for (const [name, tensor] of Object.entries(outputs)) {
      if (!parts.has(name)) parts.set(name, []);
      parts.get(name)!.push(tensor);
    }
    done(start + count);
  }
  return joined(parts, plan);
}
