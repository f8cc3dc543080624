/**
 * The slot for the BADAS collision-anticipation model (near_miss / badas_alert, a later
 * issue). The pipeline never loads a model itself: the platform hands in a loader and a
 * runner, because on a camera the model runs on an NPU and on Node in onnxruntime-web.
 */
export interface ModelLoader {
  /** The model bytes for `name` (e.g. `badas-v1.onnx`). */
  load(name: string): Promise<Uint8Array>;
}

/** One camera frame as the model sees it, already resized by the platform. */
export interface ModelFrame {
  tMs: number;
  width: number;
  height: number;
  /** RGB bytes, row-major. Never leaves the device. */
  rgb: Uint8Array;
}

/** Scores frames for collision risk. */
export interface ModelRunner {
  readonly modelVersion: string;
  /** Probability in [0, 1] that a collision is imminent, and the time-to-collision if known. */
  score(frame: ModelFrame): Promise<{ score: number; ttcS?: number }>;
}
