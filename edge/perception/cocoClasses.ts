/**
 * The 80 COCO class names in the index order both vendored-candidate detectors use (FastestDet's
 * `coco.names` and YOLOX's `coco_classes.py` agree on indices; the spelling here is YOLOX's, which
 * is also the COCO annotation file's).
 */
// biome-ignore format: a table reads better than one name a line
export const COCO_CLASSES = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat',
  'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog',
  'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella',
  'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
  'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
  'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone',
  'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
  'teddy bear', 'hair drier', 'toothbrush',
] as const;

/** A COCO class name. */
export type CocoClass = (typeof COCO_CLASSES)[number];

/** Road users the camera tracks; everything else a COCO detector reports is dropped. */
export const ROAD_USER_CLASSES: ReadonlySet<string> = new Set<CocoClass>([
  'person',
  'bicycle',
  'car',
  'motorcycle',
  'bus',
  'truck',
]);

/** Motor vehicles: the classes a lead object in the ego lane is taken from. */
export const VEHICLE_CLASSES: ReadonlySet<string> = new Set<CocoClass>(['car', 'motorcycle', 'bus', 'truck']);

/**
 * Typical visible height of each road-user class seen from behind or in front, metres. The
 * monocular range is `height × focal length / box height`, so a 10 % error here is a 10 % range
 * error (and none in time-to-collision, which uses box growth only). Cars: EU/US sedan 1.45 m,
 * SUV 1.7 m; trucks and buses vary most (a box van 2.5 m, a coach 3.5 m).
 */
export const TYPICAL_HEIGHT_M: Readonly<Record<string, number>> = {
  person: 1.7,
  bicycle: 1.7,
  motorcycle: 1.5,
  car: 1.5,
  bus: 3.2,
  truck: 3.0,
};
