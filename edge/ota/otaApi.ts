import { fromHex } from '../../lib/contract/artefact.ts';
import { ArtefactSlots } from './artefactSlots.ts';
import { badasModelConsumer } from './badasModelConsumer.ts';
import { base64ByteFetch } from './byteFetch.ts';
import { DEFAULT_OTA_UPDATER, OtaUpdater } from './updater.ts';

/**
 * The over-the-air updater as the camera bundle exposes it (`dashnetEdge.ota`): what a QuickJS
 * host needs to pin its release keys, poll, verify, swap and hand artefacts to consumers.
 *
 * @example
 * var ota = dashnetEdge.ota;
 * var p = dashnetEdge.createPlatform(host);
 * var badas = ota.badasModelConsumer(function (m) { p.badasScorer = m.scorer; });
 * var updater = new ota.OtaUpdater({ clock: p.clock, random: p.random, storage: p.storage, logger: p.logger,
 *   transport: p.transport, fetchBytes: ota.base64ByteFetch(host.getBase64),
 *   releaseKeys: [ota.fromHex(RELEASE_KEY_HEX)], consumers: { model: badas } },
 *   Object.assign({}, ota.DEFAULT_OTA_UPDATER, { apiUrl: API, deviceToken: TOKEN, cameraModel: 'cm-a', firmware: '2.1.0' }));
 * updater.boot();                  // before building the pipeline
 * // every few seconds: updater.tick();
 */
export const otaApi = {
  OtaUpdater,
  DEFAULT_OTA_UPDATER,
  ArtefactSlots,
  badasModelConsumer,
  base64ByteFetch,
  fromHex,
};
