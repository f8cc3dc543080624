import { describe, expect, it } from 'vitest';
import { BADAS_FEATURE_COUNT } from '../badas/features.ts';
import { readBadasModel } from '../badas/modelFile.ts';
import { badasModelConsumer } from './badasModelConsumer.ts';
import { artefactBytes, signedArtefact } from './otaTestKit.ts';

describe('badasModelConsumer', () => {
  const model = signedArtefact(readBadasModel(), { version: '1.1.0' });

  it('builds a working scorer from the verified model bytes and tells the host', () => {
    const changes: string[] = [];
    const consumer = badasModelConsumer((m) => changes.push(m.scorer.modelVersion));
    consumer.onArtefact('model', model.bytes, model.manifest);
    const current = consumer.current();
    expect(current?.bytes).toBe(model.bytes);
    expect(changes).toEqual([current?.scorer.modelVersion]);
    const p = current!.scorer.score(new Float32Array(BADAS_FEATURE_COUNT));
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThanOrEqual(1);
  });

  it('refuses signed bytes that are not a BADAS model and keeps the previous one', () => {
    const consumer = badasModelConsumer();
    consumer.onArtefact('model', model.bytes, model.manifest);
    const junk = signedArtefact(artefactBytes(3000, 3), { version: '1.2.0' });
    expect(() => consumer.onArtefact('model', junk.bytes, junk.manifest)).toThrow();
    expect(consumer.current()?.manifest.version).toBe('1.1.0');
  });
});
