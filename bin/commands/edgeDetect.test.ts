import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeImage } from '../../edge/perception/adapters/decodeImage.ts';
import { parseHostDetections } from '../../edge/perception/hostDetections.ts';
import { roadPhotosDir, roadPhotosMissing } from '../../test/real/roadPhotos.ts';
import { edgeDetectCommand } from './edgeDetect.ts';

/** Runs the command, capturing what it writes. */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  try {
    return { code: await edgeDetectCommand(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'dashnet-detect-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('dashnet edge detect: bad input', () => {
  it.each([
    ['no --image', []],
    ['an unknown option', ['--image', 'x.jpg', '--fast']],
    ['a score outside 0..1', ['--image', 'x.jpg', '--min-score', '2']],
  ])('exits 2 with one line on %s', async (_, argv) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('exits 2 on a missing file', async () => {
    const r = await run(['--image', join(tmp, 'missing.jpg')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read image .*ENOENT/);
  });

  it('exits 2 on a file that is not an image, and on a truncated JPEG', async () => {
    const text = join(tmp, 'notes.jpg');
    await writeFile(text, 'not an image');
    const truncated = join(tmp, 'cut.jpg');
    await writeFile(truncated, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70]));
    for (const path of [text, truncated]) {
      const r = await run(['--image', path]);
      expect(r.code, path).toBe(2);
      expect(r.stderr.trim().split('\n'), path).toHaveLength(1);
    }
  });
});

const dir = roadPhotosDir();

describe.skipIf(!dir)(`dashnet edge detect on real photos (${dir ? 'present' : roadPhotosMissing()})`, () => {
  it('prints the contract JSON with car boxes inside the image', async () => {
    const r = await run(['--image', join(dir!, 'udacity-vd-test6.jpg')]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { detections: { class: string; score: number; box: number[] }[] };
    const cars = json.detections.filter((d) => d.class === 'car');
    expect(cars.length).toBeGreaterThanOrEqual(2);
    for (const d of json.detections) {
      const [x, y, w, h] = d.box as [number, number, number, number];
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(x + w).toBeLessThanOrEqual(1280);
      expect(y + h).toBeLessThanOrEqual(720);
      expect(d.score).toBeGreaterThanOrEqual(0.5);
    }
    // What it prints is what a camera host may hand back in.
    expect(parseHostDetections(json)).toHaveLength(json.detections.length);
  });

  it('finds the same boxes in a PNG of the same pixels', async () => {
    const jpegPath = join(dir!, 'udacity-vd-test3.jpg');
    const image = decodeImage(new Uint8Array(await readFile(jpegPath)));
    const png = new PNG({ width: image.width, height: image.height });
    for (let i = 0, j = 0; i < image.rgb.length; i += 3, j += 4) {
      png.data[j] = image.rgb[i]!;
      png.data[j + 1] = image.rgb[i + 1]!;
      png.data[j + 2] = image.rgb[i + 2]!;
      png.data[j + 3] = 255;
    }
    const pngPath = join(tmp, 'test3.png');
    await writeFile(pngPath, PNG.sync.write(png));
    const fromJpeg = await run(['--image', jpegPath]);
    const fromPng = await run(['--image', pngPath]);
    expect(fromPng.code).toBe(0);
    expect(JSON.parse(fromPng.stdout)).toEqual(JSON.parse(fromJpeg.stdout));
    expect(JSON.parse(fromJpeg.stdout).detections.length).toBeGreaterThanOrEqual(1);
  });
});
