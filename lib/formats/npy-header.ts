// The .npy header is a Python dict literal ({'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }).
// It is parsed here by a small strict parser for exactly that subset, never evaluated, and never
// nested deeper than MAX_NESTING (a version 2.0 header has room for 4 GB of brackets).
import { MalformedFileError } from '../errors';
import { MAX_NESTING, nestingError } from './nesting';

export type HeaderValue = string | boolean | number | HeaderValue[] | { list: HeaderValue[] };

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string, private readonly label: string) {}

  fail(expected: string): never {
    const found = this.pos < this.text.length ? JSON.stringify(this.text.slice(this.pos, this.pos + 12)) : 'the end';
    throw new MalformedFileError(`${this.label}: malformed .npy header: expected ${expected} at offset ${this.pos}, found ${found}`, { base: 'SyntaxError' });
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos])) this.pos++;
  }

  eat(char: string): boolean {
    this.skipSpace();
    if (this.text[this.pos] !== char) return false;
    this.pos++;
    return true;
  }

  expect(char: string): void {
    if (!this.eat(char)) this.fail(`'${char}'`);
  }

  /** Comma-separated items up to `close`, a trailing comma allowed; `trailing` reports whether one was there. */
  items(close: string, item: () => void): { count: number; trailing: boolean } {
    let count = 0;
    let trailing = false;
    while (!this.eat(close)) {
      if (count > 0 && !trailing) this.fail(`',' or '${close}'`);
      item();
      count++;
      trailing = this.eat(',');
    }
    return { count, trailing };
  }

  string(): string {
    this.skipSpace();
    const quote = this.text[this.pos];
    if (quote !== "'" && quote !== '"') this.fail('a quoted string');
    const end = this.text.indexOf(quote, this.pos + 1);
    if (end < 0) this.fail('a closing quote');
    const body = this.text.slice(this.pos + 1, end);
    if (body.includes('\\')) this.fail('a string without escapes');
    this.pos = end + 1;
    return body;
  }

  /** Parses a bracketed value one level deeper. */
  nested<T>(parse: () => T): T {
    if (++this.depth > MAX_NESTING) throw nestingError(this.label, 'the .npy header', this.pos);
    const value = parse();
    this.depth--;
    return value;
  }

  value(): HeaderValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === "'" || c === '"') return this.string();
    if (c === '(') return this.nested(() => this.tuple());
    if (c === '[') return this.nested(() => this.list());
    if (c === '{') this.fail('a value (nested dicts are not part of a .npy header)');
    return this.word();
  }

  word(): boolean | number {
    const match = /^(True|False|-?\d+)L?/.exec(this.text.slice(this.pos, this.pos + 32));
    if (!match) this.fail('a string, True, False, an integer or a tuple');
    this.pos += match[0].length;
    if (match[1] === 'True' || match[1] === 'False') return match[1] === 'True';
    return Number(match[1]);
  }

  tuple(): HeaderValue[] {
    this.expect('(');
    const values: HeaderValue[] = [];
    const { count, trailing } = this.items(')', () => values.push(this.value()));
    // "(3)" is the integer 3 in Python, not a tuple: numpy never writes it.
    if (count === 1 && !trailing) this.fail("',' after the only element of a 1-tuple");
    return values;
  }

  list(): { list: HeaderValue[] } {
    this.expect('[');
    const values: HeaderValue[] = [];
    this.items(']', () => values.push(this.value()));
    return { list: values };
  }

  dict(): Map<string, HeaderValue> {
    const entries = new Map<string, HeaderValue>();
    this.expect('{');
    this.items('}', () => {
      const key = this.string();
      if (entries.has(key)) this.fail(`a key other than the repeated '${key}'`);
      this.expect(':');
      entries.set(key, this.value());
    });
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('the end of the header after the dict');
    return entries;
  }
}

/** Parses a header dict literal; SyntaxError naming `label` and the offset on anything else. */
export function parseHeaderDict(text: string, label: string): Map<string, HeaderValue> {
  const parser = new Parser(text, label);
  return parser.nested(() => parser.dict());
}
