/** The map's name for camera `i` of a fleet: a display name, never a device id. */
export function cameraDisplayId(i: number): string {
  return `cam-${String(i + 1).padStart(3, '0')}`;
}
