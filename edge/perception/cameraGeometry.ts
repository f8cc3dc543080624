import { PerceptionError } from './perceptionError.ts';

/**
 * What perception needs to know about the camera to turn boxes into angles and distances. A
 * pinhole model: wide dash-cam lenses distort towards the edges, so bearings and ranges are best
 * near the centre of the image, which is where the lead vehicle is.
 */
export interface CameraGeometry {
  imageWidthPx: number;
  imageHeightPx: number;
  /** Horizontal field of view, degrees (dash cams: 90–130°, a phone's main camera ~65°). */
  hfovDeg: number;
  /** Vertical field of view; default from square pixels (same focal length both ways). */
  vfovDeg?: number;
  /**
   * Camera to the front bumper along the driving direction, metres (a windscreen mount: ~1.8–2.2
   * m on a car). Range minus this is the bumper-to-bumper gap the anticipation stage reads.
   */
  setbackM: number;
}

/** Focal lengths in pixels, from the fields of view. */
export interface FocalLengths {
  fxPx: number;
  fyPx: number;
}

/**
 * The pinhole focal lengths of `camera`: f = (size / 2) / tan(fov / 2).
 *
 * @example focalLengths({ imageWidthPx: 1280, imageHeightPx: 720, hfovDeg: 90, setbackM: 2 }) // fx = fy = 640
 * @throws PerceptionError `BAD_CONFIG` for sizes or angles out of range
 */
export function focalLengths(camera: CameraGeometry): FocalLengths {
  const { imageWidthPx: w, imageHeightPx: h, hfovDeg, vfovDeg, setbackM } = camera;
  if (!(w > 0 && h > 0))
    throw new PerceptionError('BAD_CONFIG', `image size must be positive, got ${w}×${h}`);
  const okFov = (deg: number): boolean => deg > 1 && deg < 179;
  if (!okFov(hfovDeg) || (vfovDeg !== undefined && !okFov(vfovDeg))) {
    throw new PerceptionError(
      'BAD_CONFIG',
      `fields of view must be in (1°, 179°), got ${hfovDeg}°/${vfovDeg}°`,
    );
  }
  if (!(setbackM >= 0 && setbackM < 20)) {
    throw new PerceptionError('BAD_CONFIG', `setbackM must be in [0, 20) m, got ${setbackM}`);
  }
  const fxPx = w / 2 / Math.tan(((hfovDeg / 2) * Math.PI) / 180);
  const fyPx = vfovDeg === undefined ? fxPx : h / 2 / Math.tan(((vfovDeg / 2) * Math.PI) / 180);
  return { fxPx, fyPx };
}
