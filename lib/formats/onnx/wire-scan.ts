// A walk over a ModelProto's wire format before it is decoded, with a stack of its own rather than
// recursion: it refuses messages nested deeper than MAX_NESTING (subgraphs within subgraphs) and
// files of so many small messages that their decoded objects would dwarf the file (each message or
// bytes element becomes an object of a hundred bytes or more, from as little as two bytes of file).
import { MalformedFileError } from '../../errors';
import * as protobuf from 'protobufjs';

/** Message levels, ModelProto the first; protoc's default recursion limit. ONNX files nest a few. */
export const MAX_NESTING = 100;
/** Decoded objects (messages and elements of repeated bytes fields) allowed at least... */
export const OBJECT_FLOOR = 2 ** 16;
/** ...or one per this many bytes of the file, whichever is more. */
export const BYTES_PER_OBJECT = 16;

const GROUP_START = 3;
const GROUP_END = 4;
const LENGTH_DELIMITED = 2;

interface Shape {
  /** Field number to the message type it holds. */
  messages: Map<number, protobuf.Type>;
  /** Repeated bytes fields: each element is an object of its own once decoded. */
  byteLists: Set<number>;
}

const shapes = new WeakMap<protobuf.Type, Shape>();

function shapeOf(type: protobuf.Type): Shape {
  let shape = shapes.get(type);
  if (!shape) {
    shape = { messages: new Map(), byteLists: new Set() };
    for (const field of type.fieldsArray) {
      field.resolve();
      if (field.resolvedType instanceof protobuf.Type) shape.messages.set(field.id, field.resolvedType);
      else if (field.repeated && field.type === 'bytes') shape.byteLists.add(field.id);
    }
    shapes.set(type, shape);
  }
  return shape;
}

interface Frame {
  shape: Shape;
  end: number;
  name: string;
}

/** The next field of `top`: its number, and where it ends when it is length-delimited (anything else is skipped). */
function nextField(reader: protobuf.Reader, top: Frame): { id: number; end: number | null } {
  const tag = reader.uint32();
  const [id, wire] = [tag >>> 3, tag & 7];
  if (wire === GROUP_START || wire === GROUP_END) throw new Error(`protobuf groups (wire type ${wire} at offset ${reader.pos}) do not occur in ONNX files`);
  if (top.shape.messages.has(id) && wire !== LENGTH_DELIMITED) throw new Error(`field ${id} of ${top.name} at offset ${reader.pos} has wire type ${wire}, expected a message`);
  if (wire !== LENGTH_DELIMITED) {
    reader.skipType(wire);
    return { id, end: null };
  }
  const end = reader.uint32() + reader.pos;
  if (end > top.end) throw new RangeError(`index out of range: field ${id} of ${top.name} at offset ${reader.pos} runs ${end - top.end} bytes past its message`);
  return { id, end };
}

/** Walks the whole file; `label` names it in errors. */
export function scanWire(bytes: Uint8Array, root: protobuf.Type, label: string): void {
  const reader = protobuf.Reader.create(bytes);
  const stack: Frame[] = [{ shape: shapeOf(root), end: bytes.length, name: root.name }];
  const maxObjects = Math.max(OBJECT_FLOOR, Math.floor(bytes.length / BYTES_PER_OBJECT));
  let objects = 0;
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (reader.pos >= top.end) {
      stack.pop();
      continue;
    }
    let field: { id: number; end: number | null };
    try {
      field = nextField(reader, top);
    } catch (error) {
      throw new MalformedFileError(`${label}: not a valid ONNX model (protobuf ModelProto): ${(error as Error).message}`, { base: 'Error' });
    }
    if (field.end === null) continue;
    const child = top.shape.messages.get(field.id);
    if ((child || top.shape.byteLists.has(field.id)) && ++objects > maxObjects) {
      throw new RangeError(`${label}: more than ${maxObjects} messages and byte strings (1 per ${BYTES_PER_OBJECT} bytes of the file, at least ${OBJECT_FLOOR}); decoded, this file would take far more memory than its size`);
    }
    if (!child) {
      reader.pos = field.end;
    } else if (stack.length >= MAX_NESTING) {
      throw new RangeError(`${label}: messages nested more than ${MAX_NESTING} deep (${child.name} in ${top.name} at offset ${reader.pos}); subgraphs nested this deep are refused`);
    } else {
      stack.push({ shape: shapeOf(child), end: field.end, name: child.name });
    }
  }
}
