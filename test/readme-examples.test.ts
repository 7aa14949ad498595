// The README's TypeScript examples compile against the library's public API, so a renamed option,
// method or export cannot leave them behind. Each ```ts block is its own module; the names a block
// leaves to the reader (its weights, inputs, files) are declared with the types the API takes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

// What the examples use without defining it, as a reader's own program would have it.
const READER_NAMES = `
import type { Tensor } from 'vanilla-rnn';
import { RNN, loadModel, MalformedFileError } from 'vanilla-rnn';
declare const weight_ih_l0: Tensor, weight_hh_l0: Tensor, bias_ih_l0: Tensor, bias_hh_l0: Tensor, weight_ih_l1: Tensor;
declare const h0: Tensor, x: Tensor, chunk: Tensor, sequence: Tensor, initialState: Tensor;
declare const kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, denseKernel: Tensor, denseBias: Tensor;
declare const mask: boolean[][], lengths: number[], signal: AbortSignal, file: string;
declare const T: number, B: number, H: number, L: number;
declare const rnn: RNN;
void loadModel; void MalformedFileError;
`;

interface Example { line: number; code: string }

function readmeExamples(): Example[] {
  const lines = readFileSync(path.join(root, 'README.md'), 'utf8').split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; ++i) {
    if (lines[i].trim() !== '```ts') continue;
    const start = i + 1;
    while (i + 1 < lines.length && lines[i + 1].trim() !== '```') ++i;
    examples.push({ line: start + 1, code: lines.slice(start, i + 1).join('\n') });
    ++i;
  }
  return examples;
}

// A block that imports a name itself shadows the reader's declaration of it: drop those.
function preludeFor(code: string): string {
  const own = new Set([...code.matchAll(/import\s*\{([^}]*)\}\s*from\s*'vanilla-rnn'/g)]
    .flatMap((m) => m[1].split(',').map((name) => name.trim()).filter(Boolean)));
  const defined = new Set([...code.matchAll(/\b(?:const|let)\s+(?:\{([^}]*)\}|\[([^\]]*)\]|(\w+))/g)]
    .flatMap((m) => (m[1] ?? m[2] ?? m[3]).split(',').map((name) => name.split(':').pop()!.trim())));
  return READER_NAMES.split('\n').map((line) => {
    if (line.startsWith('import {')) {
      const kept = line.slice(line.indexOf('{') + 1, line.indexOf('}')).split(',').map((n) => n.trim()).filter((n) => !own.has(n));
      return kept.length > 0 ? `import { ${kept.join(', ')} } from 'vanilla-rnn';` : '';
    }
    if (line.startsWith('void ')) return line.split(';').filter((s) => s.trim() && !own.has(s.trim().slice(5))).map((s) => `${s};`).join(' ');
    if (!line.startsWith('declare const ')) return line;
    const kept = line.slice('declare const '.length, -1).split(/,\s*(?=\w+:)/)
      .filter((decl) => !defined.has(decl.split(':')[0].trim()) && !own.has(decl.split(':')[0].trim()));
    return kept.length > 0 ? `declare const ${kept.join(', ')};` : '';
  }).join('\n');
}

function compile(files: Map<string, string>): ts.Diagnostic[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true, noEmit: true, skipLibCheck: true, types: ['node'], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    baseUrl: root, paths: { 'vanilla-rnn': ['lib/index.ts'] }, noUnusedLocals: false,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  return [...files.keys()].flatMap((name) => ts.getPreEmitDiagnostics(program, program.getSourceFile(name)));
}

describe('README: the TypeScript examples', () => {
  const examples = readmeExamples();

  it('finds the API examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
    expect(examples.some((e) => e.code.includes('new RNN('))).toBe(true);
  });

  it('every ```ts block typechecks against lib/index.ts', () => {
    const files = new Map(examples.map((e) => [
      path.join(root, 'test', `__readme_example_line_${e.line}.ts`),
      `${preludeFor(e.code)}\nexport {};\n// README.md line ${e.line}\n${e.code}\n`,
    ]));
    const messages = compile(files).map((d) => {
      const file = d.file ? path.basename(d.file.fileName) : '?';
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `${file}:${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(messages).toEqual([]);
  }, 120_000);

  it('an example with a renamed option is found out', () => {
    const file = path.join(root, 'test', '__readme_example_wrong.ts');
    const code = "import { RNN } from 'vanilla-rnn';\nnew RNN({ inputSize: 4, hidenSize: 8 });\n";
    const messages = compile(new Map([[file, code]])).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages.join('\n')).toMatch(/hidenSize/);
  }, 120_000);
});
