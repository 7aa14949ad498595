// Typed access to a node's attributes, with errors naming the node and the attribute.
import { MalformedFileError } from '../../errors';
import type { AttributeProto, NodeProto, TensorProto } from './proto';

/** AttributeProto.AttributeType, as onnx.proto defines it (a test holds the two together). */
export const ATTRIBUTE_TYPES = {
  UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8,
  TENSORS: 9, GRAPHS: 10, SPARSE_TENSOR: 11, SPARSE_TENSORS: 12, TYPE_PROTO: 13, TYPE_PROTOS: 14,
} as const;
const { FLOAT, INT, STRING, TENSOR, FLOATS, INTS, STRINGS } = ATTRIBUTE_TYPES;
const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(ATTRIBUTE_TYPES).map(([name, code]) => [code, name]));

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class Attributes {
  private readonly byName = new Map<string, AttributeProto>();

  constructor(node: NodeProto, private readonly label: string) {
    for (const attribute of node.attribute) {
      if (this.byName.has(attribute.name)) throw new MalformedFileError(`${label}: attribute '${attribute.name}' is given twice`, { base: 'Error' });
      if (attribute.refAttrName) throw new MalformedFileError(`${label}: attribute '${attribute.name}' refers to a function attribute, which only functions may do`, { base: 'Error' });
      this.byName.set(attribute.name, attribute);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Refuses attributes the operator does not define, so none is silently ignored. */
  allowOnly(allowed: readonly string[]): void {
    const unknown = this.names().filter((name) => !allowed.includes(name));
    if (unknown.length > 0) {
      throw new MalformedFileError(`${this.label}: unknown attribute${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; this operator takes ${allowed.join(', ') || 'none'}`, { base: 'Error' });
    }
  }

  private get(name: string, type: number): AttributeProto | undefined {
    const attribute = this.byName.get(name);
    // Type 0 predates the type field (IR version 1): trust the field the caller reads.
    if (attribute && attribute.type !== type && attribute.type !== 0) {
      throw new MalformedFileError(`${this.label}: attribute '${name}' must be ${TYPE_NAMES[type]}, got ${TYPE_NAMES[attribute.type] ?? attribute.type}`, { base: 'TypeError' });
    }
    return attribute;
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const attribute = this.get(name, INT);
    return attribute ? attribute.i : fallback;
  }

  ints(name: string): number[] | undefined {
    const ints = this.get(name, INTS)?.ints;
    return ints && Array.from(ints);
  }

  float(name: string): number | undefined {
    return this.get(name, FLOAT)?.f;
  }

  floats(name: string): number[] | undefined {
    const floats = this.get(name, FLOATS)?.floats;
    return floats && Array.from(floats);
  }

  string(name: string): string | undefined {
    const attribute = this.get(name, STRING);
    return attribute ? utf8.decode(attribute.s) : undefined;
  }

  strings(name: string): string[] | undefined {
    return this.get(name, STRINGS)?.strings.map((s) => utf8.decode(s));
  }

  tensor(name: string): TensorProto | undefined {
    const attribute = this.get(name, TENSOR);
    if (attribute && !attribute.t) throw new MalformedFileError(`${this.label}: attribute '${name}' holds no tensor`, { base: 'TypeError' });
    return attribute?.t ?? undefined;
  }
}
