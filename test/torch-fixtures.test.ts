// Every PyTorch nn.RNN fixture, through the native kernel, against PyTorch's own outputs.
import { describe, expect, it } from 'vitest';
import { expectClose, expectExact, listFixtures } from './support/fixtures';
import { isExactFixture, loadTorchFixture, runFixture } from './support/torch-fixture';

describe('PyTorch nn.RNN fixtures', () => {
  for (const file of listFixtures('torch')) {
    it(file.replace(/\.json$/, ''), () => {
      const fixture = loadTorchFixture(file);
      const { output, hn } = runFixture(fixture);
      expect(output.shape).toEqual(fixture.output.shape);
      expect(hn.shape).toEqual(fixture.hn.shape);
      const compare = isExactFixture(fixture.name) ? expectExact : expectClose;
      compare(output.data, fixture.output.data, `${fixture.name} output`);
      compare(hn.data, fixture.hn.data, `${fixture.name} hn`);
    });
  }
});
