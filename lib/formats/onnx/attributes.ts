// Typed access to a node's attributes, with errors naming the node and the attribute.
import { int64, type AttributeProto, type NodeProto, type TensorProto } from './proto';

// AttributeProto.AttributeType codes.
const FLOAT = 1;
const INT = 2;
const STRING = 3;
const TENSOR = 4;
const FLOATS = 6;
const INTS = 7;
const STRINGS = 8;
const TYPE_NAMES: Record<number, string> = {
  0: 'UNDEFINED', 1: 'FLOAT', 2: 'INT', 3: 'STRING', 4: 'TENSOR', 5: 'GRAPH', 6: 'FLOATS', 7: 'INTS', 8: 'STRINGS',
  9: 'TENSORS', 10: 'GRAPHS', 11: 'SPARSE_TENSOR', 12: 'SPARSE_TENSORS', 13: 'TYPE_PROTO', 14: 'TYPE_PROTOS',
};

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class Attributes {
  private readonly byName = new Map<string, AttributeProto>();

  constructor(node: NodeProto, private readonly label: string) {
    for (const attribute of node.attribute) {
      if (this.byName.has(attribute.name)) throw new Error(`${label}: attribute '${attribute.name}' is given twice`);
      if (attribute.refAttrName) throw new Error(`${label}: attribute '${attribute.name}' refers to a function attribute, which only functions may do`);
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
      throw new Error(`${this.label}: unknown attribute${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; this operator takes ${allowed.join(', ') || 'none'}`);
    }
  }

  private get(name: string, type: number): AttributeProto | undefined {
    const attribute = this.byName.get(name);
    // Type 0 predates the type field (IR version 1): trust the field the caller reads.
    if (attribute && attribute.type !== type && attribute.type !== 0) {
      throw new TypeError(`${this.label}: attribute '${name}' must be ${TYPE_NAMES[type]}, got ${TYPE_NAMES[attribute.type] ?? attribute.type}`);
    }
    return attribute;
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const attribute = this.get(name, INT);
    return attribute ? int64(attribute.i) : fallback;
  }

  ints(name: string): number[] | undefined {
    return this.get(name, INTS)?.ints.map(int64);
  }

  float(name: string): number | undefined {
    return this.get(name, FLOAT)?.f;
  }

  floats(name: string): number[] | undefined {
    return this.get(name, FLOATS)?.floats.slice();
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
    if (attribute && !attribute.t) throw new TypeError(`${this.label}: attribute '${name}' holds no tensor`);
    return attribute?.t ?? undefined;
  }
}
