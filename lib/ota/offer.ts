import { type ArtefactManifest, isCompatible } from '../contract/artefact.ts';
import { cohortBucket, inCandidateCohort, stagePercent } from './cohort.ts';
import type { ArtefactLine } from './registry.ts';

/** Which version of a line a device should run, and why. */
export interface VersionChoice {
  version: string;
  /** `candidate`: the device is in the stage's cohort; `control`: it keeps the current version. */
  cohort: 'candidate' | 'control';
  /** The candidate's stage as a percentage of the fleet, while a rollout runs. */
  stagePercent?: number;
}

/** The camera as it describes itself on the poll (`?cameraModel=&firmware=`), when it does. */
export interface CameraDescription {
  cameraModel?: string;
  firmware?: string;
}

/**
 * The version of `line` a device runs: the candidate when its cohort bucket is inside the
 * candidate's stage, else the current version (the control); undefined when neither exists.
 * A candidate the camera is not compatible with falls back to the current version, so a narrow
 * release never leaves an incompatible camera without its artefact.
 *
 * @example chooseVersion(line, 'dev-1', (v) => manifests.get(v), { cameraModel: 'cm-a', firmware: '2.1.0' })
 */
export function chooseVersion(
  line: ArtefactLine,
  deviceId: string,
  manifestOf: (version: string) => ArtefactManifest | undefined,
  camera: CameraDescription = {},
): VersionChoice | undefined {
  const fits = (version: string) => {
    const m = manifestOf(version);
    if (!m) return false;
    const models = m.compatibility.cameraModels;
    const { cameraModel, firmware } = camera;
    if (cameraModel !== undefined && !models.includes('*') && !models.includes(cameraModel)) return false;
    // Firmware bounds only, the model having been checked above (or not named by the camera).
    const anyModel = { ...m, compatibility: { ...m.compatibility, cameraModels: ['*'] } };
    return firmware === undefined || isCompatible(anyModel, '*', firmware);
  };
  if (line.candidate !== undefined && line.stage !== undefined) {
    const inCohort = inCandidateCohort(cohortBucket(deviceId, line), line.stage);
    if (inCohort && fits(line.candidate))
      return { version: line.candidate, cohort: 'candidate', stagePercent: stagePercent(line.stage) };
    if (line.current !== undefined && fits(line.current))
      return { version: line.current, cohort: 'control', stagePercent: stagePercent(line.stage) };
    return undefined;
  }
  if (line.current !== undefined && fits(line.current)) return { version: line.current, cohort: 'control' };
  return undefined;
}
