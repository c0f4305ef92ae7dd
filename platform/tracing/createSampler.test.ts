import { describe, expect, it } from 'vitest';
import { createSampler } from './createSampler.js';
import { samplerNames, type SamplerName } from './tracingSettings.js';

describe('createSampler', () => {
  const described: Record<SamplerName, string> = {
    always_on: 'AlwaysOnSampler',
    always_off: 'AlwaysOffSampler',
    traceidratio: 'TraceIdRatioBased{0.25}',
    parentbased_always_on: 'ParentBased{root=AlwaysOnSampler,',
    parentbased_always_off: 'ParentBased{root=AlwaysOffSampler,',
    parentbased_traceidratio: 'ParentBased{root=TraceIdRatioBased{0.25},',
  };

  it.each(samplerNames)('builds %s as the SDK would from the variables', (name) => {
    expect(createSampler({ name, ratio: 0.25 }).toString()).toContain(described[name]);
  });
});
