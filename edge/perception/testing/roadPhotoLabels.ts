import type { PixelBox } from '../detection.ts';

/** One labelled vehicle. */
export interface LabelledVehicle {
  box: PixelBox;
  /** A third or more of it is hidden (by a barrier, another car, the frame edge). */
  partlyHidden?: true;
}

/** Hand labels of one photo. */
export interface LabelledPhoto {
  /** File name in the shared photo folder (`../shared/data/images/`). */
  file: string;
  width: number;
  height: number;
  /** Every clearly visible vehicle: a detector should find each at IoU ≥ 0.5. */
  vehicles: LabelledVehicle[];
  /**
   * "Don't care" regions (as in KITTI): vehicles too small (under ~18 px tall) or too hidden to
   * label fairly. A detection centred in one is neither a hit nor a false alarm.
   */
  ignore: PixelBox[];
}

const box = (x: number, y: number, w: number, h: number): PixelBox => ({ x, y, w, h });
const car = (x: number, y: number, w: number, h: number): LabelledVehicle => ({ box: box(x, y, w, h) });
const hiddenCar = (x: number, y: number, w: number, h: number): LabelledVehicle => ({
  box: box(x, y, w, h),
  partlyHidden: true,
});

/**
 * Vehicle boxes in the five road photos, labelled by hand for dashnet (issue 11) by the
 * perception engineer: each photo viewed with a 10–100 px grid overlaid and zoomed 2–3× where cars
 * are small; box edges are accurate to about ±3 px on large cars and ±2 px on small ones. Only
 * motor vehicles (COCO car, motorcycle, bus, truck), not the people inside them. These are our
 * labels, not the photos' authors'; the photos themselves are MIT (Udacity) and Apache-2.0
 * (OpenVINO Open Model Zoo) and are read from the shared folder, not copied here.
 */
export const ROAD_PHOTO_LABELS: readonly LabelledPhoto[] = [
  {
    file: 'udacity-vd-test1.jpg',
    width: 1280,
    height: 720,
    vehicles: [
      car(815, 410, 127, 83), // black sedan, one lane right
      car(1052, 404, 216, 98), // white sedan, two lanes right
      hiddenCar(60, 441, 80, 49), // oncoming car beyond the left barrier (lower half behind the rail)
    ],
    ignore: [
      box(295, 430, 70, 45), // oncoming car almost hidden by the barrier
      box(425, 412, 45, 28), // small white oncoming car
      box(540, 395, 330, 35), // tiny vehicles near the horizon
    ],
  },
  {
    file: 'udacity-vd-test3.jpg',
    width: 1280,
    height: 720,
    vehicles: [car(871, 414, 90, 53)], // white sedan ahead, lane to the right
    ignore: [box(760, 410, 90, 30)], // tiny vehicles at the vanishing point
  },
  {
    file: 'udacity-vd-test6.jpg',
    width: 1280,
    height: 720,
    vehicles: [
      car(811, 410, 131, 87), // black sedan, one lane right
      car(1012, 406, 189, 93), // white sedan, two lanes right
    ],
    ignore: [box(590, 398, 270, 34)], // small vehicles far ahead
  },
  {
    file: 'udacity-lanelines-solidYellowLeft.jpg',
    width: 960,
    height: 540,
    vehicles: [
      car(531, 298, 29, 21), // white car ahead in the ego lane
      car(675, 295, 27, 19), // grey pickup ahead right
      car(837, 297, 54, 30), // blue-grey SUV, right lane
      car(2, 303, 41, 20), // white car, opposite carriageway
      car(110, 300, 53, 23), // silver car, opposite carriageway
    ],
    ignore: [
      box(230, 285, 180, 30), // queue of small cars, opposite carriageway
      box(495, 290, 20, 18), // dark car far ahead
      box(570, 285, 100, 20), // vehicles near the vanishing point
      box(740, 288, 80, 30), // guard-rail clutter and a far car on the right
    ],
  },
  {
    file: 'omz-cars_768x768.jpg',
    width: 768,
    height: 768,
    vehicles: [
      car(200, 2, 210, 148), // red Nissan SUV, top
      car(0, 90, 183, 160), // dark Audi, top-left
      hiddenCar(0, 35, 72, 60), // car cut by the top-left corner, behind the Audi
      car(508, 150, 258, 210), // white car, right
      car(80, 245, 290, 230), // red Audi, middle
      car(135, 540, 395, 228), // dark BMW, bottom (its bumper cut by the frame)
    ],
    ignore: [],
  },
];
