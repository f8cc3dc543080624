/**
 * dashnet live map: draws the bundled road network on a canvas (no tiles — the map must work
 * offline), the fleet's cameras, the H3 cells gathering evidence, and the hazards the public
 * API reports for the view. Plain ES module, no build step.
 *
 * Data: `/map/roads.json` once, `/map/live.json` every second (cameras, cells), and the
 * contract's `GET /v1/hazards?bbox=` every two seconds, so the map shows exactly what a
 * driver's app would see.
 */

const LIVE_EVERY_MS = 1000;
const HAZARDS_EVERY_MS = 2000;
/** The hazards endpoint refuses boxes larger than 1° on a side (functions/http/hazards.ts). */
const MAX_BBOX_DEG = 0.99;
/** Evidence at which a cell is drawn at full strength: the detector's default of ten cameras. */
const FULL_EVIDENCE = 10;
const FRAME_MS = 1000 / 30;

// Labels and colours of the hazard kinds come from the one hazard-kind table
// (lib/hazards/hazardKinds.ts) through /map/kinds.json; these are only what shows until it loads.
const KIND_LABELS = {};
const KIND_WINDOW_MINUTES = {};
const KIND_COLORS = {};

/** Per road class: colour, width in CSS px at the fitted zoom, and a darker casing for majors. */
const ROAD_STYLES = {
  motorway: { color: '#f2a65a', width: 3.2, casing: '#5a3413' },
  trunk: { color: '#e9c46a', width: 2.8, casing: '#4f4015' },
  primary: { color: '#cfd6e0', width: 2.1, casing: '#2a3140' },
  motorway_link: { color: '#d08a4a', width: 1.6 },
  trunk_link: { color: '#c9a55a', width: 1.4 },
  secondary: { color: '#7f8ba0', width: 1.5 },
  primary_link: { color: '#a9b1bd', width: 1.2 },
  tertiary: { color: '#4c5666', width: 1.0 },
  secondary_link: { color: '#6a7486', width: 0.9 },
  tertiary_link: { color: '#444d5b', width: 0.8 },
};

const canvas = /** @type {HTMLCanvasElement} */ (document.getElementById('map'));
const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
const roadLayer = document.createElement('canvas');
const roadCtx = /** @type {CanvasRenderingContext2D} */ (roadLayer.getContext('2d'));
const el = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const tooltip = el('tooltip');
const hazardList = el('hazard-list');

/** View: centre, pixels per degree of latitude, and the fixed cos(lat) of the network. */
const view = { lng: -79.99, lat: 40.44, ppd: 4000, fitPpd: 4000 };
let kx = Math.cos((40.44 * Math.PI) / 180);
let width = 0;
let height = 0;
let dpr = 1;

/** Roads as one Path2D per class, in local units around `origin`, to keep float32 precision. */
const roads = { paths: /** @type {[string, Path2D][]} */ ([]), origin: [0, 0], bbox: null, count: 0 };
let roadsKey = '';

/** id → { from: [lng, lat], to: [lng, lat], t0, heading, speedMps } for smooth motion. */
const cameras = new Map();
let cells = [];
let hazards = [];
let selectedId = null;
const rows = new Map();
/** Evidence of the selected hazard (`/map/evidence.json`), or null. */
let evidence = null;
let evidenceTimer = 0;
const EVIDENCE_EVERY_MS = 5000;
/** Camera fill by calibration state: the pipeline's own view of its mounting. */
const CALIBRATION_COLORS = { forward: '#4fd1ff', gravity: '#ffcf5a', none: '#ff8a8a' };

// ---------------------------------------------------------------- projection

function project(lng, lat) {
  return [width / 2 + (lng - view.lng) * view.ppd * kx, height / 2 - (lat - view.lat) * view.ppd];
}

function unproject(x, y) {
  return [view.lng + (x - width / 2) / (view.ppd * kx), view.lat - (y - height / 2) / view.ppd];
}

function metresPerPx() {
  return 111_320 / view.ppd;
}

/** The screen area not covered by the side panel, where fitting and centring aim. */
function openArea() {
  const panel = el('panel').getBoundingClientRect();
  const beside = width > 700 ? panel.right + 12 : 0;
  const below = width > 700 ? 0 : panel.height + 30;
  return { x: beside, y: 0, w: width - beside, h: height - below };
}

function fitToRoads() {
  if (!roads.bbox) return;
  const [minLng, minLat, maxLng, maxLat] = roads.bbox;
  const area = openArea();
  const ppd = Math.min((area.w - 40) / ((maxLng - minLng) * kx), (area.h - 40) / (maxLat - minLat));
  view.ppd = ppd;
  view.fitPpd = ppd;
  const cx = area.x + area.w / 2;
  const cy = area.y + area.h / 2;
  view.lng = (minLng + maxLng) / 2 - (cx - width / 2) / (ppd * kx);
  view.lat = (minLat + maxLat) / 2 + (cy - height / 2) / ppd;
}

function zoomAt(x, y, factor) {
  const ppd = Math.min(view.fitPpd * 400, Math.max(view.fitPpd / 4, view.ppd * factor));
  const [lng, lat] = unproject(x, y);
  view.ppd = ppd;
  // Keep the point under the cursor where it was.
  view.lng = lng - (x - width / 2) / (ppd * kx);
  view.lat = lat + (y - height / 2) / ppd;
  viewChanged();
}

/** How much thicker lines and marks get when zoomed in: gently, so the city stays readable. */
function zoomScale() {
  return Math.min(3.2, Math.max(0.75, 1 + 0.45 * Math.log2(view.ppd / view.fitPpd)));
}

// ---------------------------------------------------------------- drawing

function resize() {
  dpr = window.devicePixelRatio || 1;
  width = window.innerWidth;
  height = window.innerHeight;
  for (const c of [canvas, roadLayer]) {
    c.width = Math.round(width * dpr);
    c.height = Math.round(height * dpr);
  }
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  roadsKey = '';
}

function drawRoads() {
  const key = `${width}x${height}@${dpr}:${view.lng},${view.lat},${view.ppd}:${roads.count}`;
  if (key === roadsKey) return;
  roadsKey = key;
  roadCtx.setTransform(1, 0, 0, 1, 0, 0);
  roadCtx.clearRect(0, 0, roadLayer.width, roadLayer.height);
  if (roads.count === 0) return;
  const [lng0, lat0] = roads.origin;
  // Local units: x = (lng - lng0)·cos(lat), y = -(lat - lat0); one uniform scale maps them to pixels.
  const cx = (view.lng - lng0) * kx;
  const cy = -(view.lat - lat0);
  const s = view.ppd * dpr;
  roadCtx.setTransform(s, 0, 0, s, dpr * (width / 2) - cx * s, dpr * (height / 2) - cy * s);
  roadCtx.lineCap = 'round';
  roadCtx.lineJoin = 'round';
  const z = zoomScale();
  // Casings first, under everything, so crossings of majors read as one continuous road.
  for (const [cls, path] of roads.paths) {
    const style = ROAD_STYLES[cls];
    if (!style?.casing) continue;
    roadCtx.strokeStyle = style.casing;
    roadCtx.lineWidth = ((style.width + 2) * z) / view.ppd;
    roadCtx.stroke(path);
  }
  for (const [cls, path] of roads.paths) {
    const style = ROAD_STYLES[cls] ?? ROAD_STYLES.tertiary;
    roadCtx.strokeStyle = style.color;
    roadCtx.lineWidth = (style.width * z) / view.ppd;
    roadCtx.stroke(path);
  }
  canvas.dataset.roadsDrawn = String(roads.count);
}

function evidenceColor(evidence, alpha) {
  const t = Math.min(1, evidence / FULL_EVIDENCE);
  // Yellow → orange → red as evidence approaches the hazard threshold.
  const r = 255;
  const g = Math.round(214 - 154 * t);
  const b = Math.round(102 - 32 * t);
  return `rgba(${r},${g},${b},${alpha})`;
}

function drawCells() {
  for (const c of cells) {
    const t = Math.min(1, c.evidence / FULL_EVIDENCE);
    const pts = c.boundary.map(([lat, lng]) => project(lng, lat));
    const xs = pts.map((p) => p[0]);
    ctx.beginPath();
    if (Math.max(...xs) - Math.min(...xs) < 9) {
      // Zoomed out a res-10 cell is a few pixels wide; a disc keeps the evidence visible.
      const cx = xs.reduce((a, b) => a + b, 0) / pts.length;
      const cy = pts.reduce((a, p) => a + p[1], 0) / pts.length;
      ctx.arc(cx, cy, 4.5, 0, Math.PI * 2);
    } else {
      for (const [i, [x, y]] of pts.entries()) {
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.closePath();
    }
    ctx.fillStyle = evidenceColor(c.evidence, 0.38 + 0.32 * t);
    ctx.fill();
    ctx.strokeStyle = evidenceColor(c.evidence, 0.9);
    ctx.lineWidth = 1.2;
    ctx.stroke();
    if (Math.max(...xs) - Math.min(...xs) > 44) {
      const cx = xs.reduce((a, b) => a + b, 0) / pts.length;
      const cy = pts.reduce((a, p) => a + p[1], 0) / pts.length;
      ctx.fillStyle = '#1a1206';
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(String(c.evidence), cx, cy);
    }
  }
}

/**
 * The coverage layer (`/map/coverage.json`): the motorway network's cells, filled where at
 * least k cameras drove them (what an insurer's `GET /v1/coverage` counts), outlined elsewhere.
 */
let coverage;
function drawCoverage() {
  if (!coverage) return;
  for (const f of coverage.features) {
    ctx.beginPath();
    for (const [i, [lng, lat]] of f.geometry.coordinates[0].entries()) {
      const [x, y] = project(lng, lat);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.closePath();
    if (f.properties.covered) {
      ctx.fillStyle = 'rgba(46, 204, 113, 0.45)';
      ctx.fill();
    } else {
      ctx.strokeStyle = 'rgba(139, 148, 158, 0.5)';
      ctx.lineWidth = 1;
      ctx.stroke();
    }
  }
}

async function toggleCoverage() {
  const button = el('coverage-toggle');
  const summary = el('coverage-summary');
  if (coverage) {
    coverage = undefined;
    button.setAttribute('aria-pressed', 'false');
    summary.hidden = true;
    return;
  }
  try {
    coverage = await getJson('/map/coverage.json?class=motorway');
    const p = coverage.properties;
    button.setAttribute('aria-pressed', 'true');
    summary.textContent = `motorways: ${p.coveredKm.toFixed(1)} of ${p.roadKm.toFixed(1)} km covered (${Math.round(p.share * 100)} %, k = ${p.k}, last ${p.days} days)`;
    summary.hidden = false;
  } catch (err) {
    summary.textContent = `coverage unavailable (${err.message})`;
    summary.hidden = false;
  }
}

/** The selected hazard's evidence cells, outlined in its colour. */
function drawEvidenceCells() {
  if (!evidence || !selectedId) return;
  const h = hazards.find((x) => x.properties.id === selectedId);
  const color = KIND_COLORS[h?.properties.kind] ?? '#ff5a5f';
  for (const c of evidence.cells) {
    ctx.beginPath();
    for (const [i, [lat, lng]] of c.boundary.entries()) {
      const [x, y] = project(lng, lat);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.closePath();
    ctx.setLineDash([4, 3]);
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.stroke();
    ctx.setLineDash([]);
  }
}

function cameraPosition(cam, now) {
  const t = Math.min(1, (now - cam.t0) / LIVE_EVERY_MS);
  return [cam.from[0] + (cam.to[0] - cam.from[0]) * t, cam.from[1] + (cam.to[1] - cam.from[1]) * t];
}

function drawCameras(now) {
  const size = Math.min(1.6, Math.max(0.8, zoomScale()));
  for (const cam of cameras.values()) {
    const [lng, lat] = cameraPosition(cam, now);
    const [x, y] = project(lng, lat);
    if (x < -10 || y < -10 || x > width + 10 || y > height + 10) continue;
    ctx.save();
    ctx.translate(x, y);
    ctx.rotate((cam.heading * Math.PI) / 180);
    ctx.scale(size, size);
    // A navigation arrow: the tip points along the heading (clockwise from north).
    ctx.beginPath();
    ctx.moveTo(0, -7);
    ctx.lineTo(4.5, 4.5);
    ctx.lineTo(0, 2);
    ctx.lineTo(-4.5, 4.5);
    ctx.closePath();
    const fill = CALIBRATION_COLORS[cam.calibration] ?? '#4fd1ff';
    ctx.fillStyle = cam.speedMps < 0.5 && cam.calibration !== 'none' ? '#8fa3b8' : fill;
    ctx.strokeStyle = '#06121a';
    ctx.lineWidth = 1.2;
    ctx.fill();
    ctx.stroke();
    ctx.restore();
  }
}

function drawHazards(now) {
  const phase = (now % 1600) / 1600;
  for (const h of hazards) {
    const [lng, lat] = h.geometry.coordinates;
    const [x, y] = project(lng, lat);
    const color = KIND_COLORS[h.properties.kind] ?? '#ff5a5f';
    const selected = h.properties.id === selectedId;
    // A halo that pulses outwards: hazards are what the eye should find first.
    ctx.beginPath();
    ctx.arc(x, y, 11 + 16 * phase, 0, Math.PI * 2);
    ctx.strokeStyle = color;
    ctx.globalAlpha = 0.9 * (1 - phase);
    ctx.lineWidth = 2.5;
    ctx.stroke();
    ctx.globalAlpha = 1;
    const r = selected ? 13 : 10;
    ctx.beginPath();
    ctx.arc(x, y, r + 2.5, 0, Math.PI * 2);
    ctx.fillStyle = selected ? '#ffffff' : 'rgba(255,255,255,0.95)';
    ctx.shadowColor = 'rgba(0,0,0,0.6)';
    ctx.shadowBlur = 8;
    ctx.fill();
    ctx.shadowBlur = 0;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fillStyle = color;
    ctx.fill();
    ctx.fillStyle = '#fff';
    ctx.font = `bold ${selected ? 16 : 13}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText('!', x, y + 0.5);
  }
}

function drawScale() {
  const mpp = metresPerPx();
  const target = 110 * mpp;
  const pow = 10 ** Math.floor(Math.log10(target));
  const nice = [5, 2, 1].map((m) => m * pow).find((d) => d <= target) ?? pow;
  el('scale-bar').style.width = `${Math.round(nice / mpp)}px`;
  el('scale-label').textContent = nice >= 1000 ? `${nice / 1000} km` : `${nice} m`;
}

let lastFrame = 0;
function frame(now) {
  requestAnimationFrame(frame);
  // 30 fps is smooth enough for dots moving at road speed and halves the CPU of a busy laptop.
  if (now - lastFrame < FRAME_MS) return;
  lastFrame = now;
  drawRoads();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#0d1117';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(roadLayer, 0, 0);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  drawCoverage();
  drawCells();
  drawEvidenceCells();
  drawCameras(performance.now());
  drawHazards(performance.now());
}

function viewChanged() {
  drawScale();
  scheduleHazards(300);
}

// ---------------------------------------------------------------- data

async function getJson(url) {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

function setStatus(state, text) {
  const s = el('status');
  s.dataset.state = state;
  s.textContent = text;
}

async function loadKinds() {
  try {
    const kinds = await getJson('/map/kinds.json');
    for (const k of kinds) {
      KIND_LABELS[k.kind] = k.label;
      KIND_COLORS[k.kind] = k.colour;
      KIND_WINDOW_MINUTES[k.kind] = k.windowMinutes;
    }
    // The legend's hazard entries follow the same table.
    const legend = document.querySelector('.legend ul');
    for (const li of legend?.querySelectorAll('li.kind-entry') ?? []) li.remove();
    for (const k of [...kinds].reverse()) {
      const li = document.createElement('li');
      li.className = 'kind-entry';
      const sw = document.createElement('i');
      sw.className = 'sw hz';
      sw.style.background = k.colour;
      li.append(sw, k.label);
      legend?.prepend(li);
    }
  } catch {
    // Without the legend hazards show in the fallback colour with their kind's name.
  }
}

async function loadRoads() {
  for (;;) {
    try {
      const data = await getJson('/map/roads.json');
      const [minLng, minLat, maxLng, maxLat] = data.bbox;
      roads.origin = [(minLng + maxLng) / 2, (minLat + maxLat) / 2];
      kx = Math.cos((roads.origin[1] * Math.PI) / 180);
      const byClass = new Map();
      for (const [cls, coords] of data.lines) {
        const name = data.classes[cls];
        let path = byClass.get(name);
        if (!path) {
          path = new Path2D();
          byClass.set(name, path);
        }
        for (const [i, [lng, lat]] of coords.entries()) {
          const x = (lng - roads.origin[0]) * kx;
          const y = -(lat - roads.origin[1]);
          if (i === 0) path.moveTo(x, y);
          else path.lineTo(x, y);
        }
      }
      // Least important first, so majors end on top (the server sends the class list major-first).
      roads.paths = [...byClass.entries()].sort(
        (a, b) => data.classes.indexOf(b[0]) - data.classes.indexOf(a[0]),
      );
      roads.bbox = data.bbox;
      roads.count = data.lines.length;
      fitToRoads();
      viewChanged();
      return;
    } catch (err) {
      setStatus('offline', `road network unavailable — retrying (${err.message})`);
      await sleep(2000);
    }
  }
}

async function pollLive() {
  try {
    const data = await getJson('/map/live.json');
    const now = performance.now();
    const seen = new Set();
    for (const c of data.cameras) {
      seen.add(c.id);
      const prev = cameras.get(c.id);
      const from = prev ? cameraPosition(prev, now) : [c.lng, c.lat];
      cameras.set(c.id, {
        from,
        to: [c.lng, c.lat],
        t0: now,
        heading: c.heading,
        speedMps: c.speedMps,
        model: c.model,
        calibration: c.calibration,
        queueDepth: c.queueDepth,
      });
    }
    for (const id of cameras.keys()) if (!seen.has(id)) cameras.delete(id);
    cells = data.cells;
    el('count-cameras').textContent = String(cameras.size);
    el('count-cells').textContent = String(cells.length);
    setStatus('live', `live · ${new Date(data.at).toLocaleTimeString()}`);
  } catch {
    setStatus('offline', 'offline — retrying');
  }
  setTimeout(pollLive, LIVE_EVERY_MS);
}

/** The view's box, shrunk about its centre to what the hazards endpoint accepts. */
function viewBbox() {
  const [west, north] = unproject(0, 0);
  const [east, south] = unproject(width, height);
  const cLng = (west + east) / 2;
  const cLat = (north + south) / 2;
  const halfLng = Math.min(east - west, MAX_BBOX_DEG) / 2;
  const halfLat = Math.min(north - south, MAX_BBOX_DEG) / 2;
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  return [
    clamp(cLng - halfLng, -180, 180),
    clamp(cLat - halfLat, -90, 90),
    clamp(cLng + halfLng, -180, 180),
    clamp(cLat + halfLat, -90, 90),
  ]
    .map((v) => v.toFixed(5))
    .join(',');
}

let hazardTimer = 0;
let hazardSeq = 0;
function scheduleHazards(delayMs) {
  clearTimeout(hazardTimer);
  hazardTimer = setTimeout(pollHazards, delayMs);
}

async function pollHazards() {
  const seq = ++hazardSeq;
  try {
    const data = await getJson(`/v1/hazards?bbox=${viewBbox()}`);
    // A slower, older response must not overwrite a newer view's hazards.
    if (seq === hazardSeq) {
      const nowMs = Date.now();
      hazards = data.features.filter(
        (f) => !f.properties.clearedAt || Date.parse(f.properties.clearedAt) > nowMs,
      );
      renderHazardList();
    }
  } catch {
    // The status line already reports a stack that is down; keep the last hazards on screen.
  }
  if (seq === hazardSeq) scheduleHazards(HAZARDS_EVERY_MS);
}

function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.round(m / 60)} h ago`;
}

function hazardRow(h) {
  const li = document.createElement('li');
  li.dataset.hazardId = h.properties.id;
  li.tabIndex = 0;
  const dot = document.createElement('span');
  dot.className = 'dot';
  const kind = document.createElement('span');
  kind.className = 'kind';
  const conf = document.createElement('span');
  conf.className = 'conf';
  const meta = document.createElement('span');
  meta.className = 'meta';
  li.append(dot, kind, conf, meta);
  const select = () => {
    const cur = hazards.find((x) => x.properties.id === li.dataset.hazardId);
    if (cur) selectHazard(cur, true);
  };
  li.addEventListener('click', select);
  li.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') select();
  });
  return li;
}

function renderHazardList() {
  const sorted = [...hazards].sort(
    (a, b) => Date.parse(b.properties.firstSeen) - Date.parse(a.properties.firstSeen),
  );
  const keep = new Set(sorted.map((h) => h.properties.id));
  for (const [id, li] of rows) {
    if (!keep.has(id)) {
      li.remove();
      rows.delete(id);
    }
  }
  for (const [i, h] of sorted.entries()) {
    const p = h.properties;
    let li = rows.get(p.id);
    if (!li) {
      li = hazardRow(h);
      rows.set(p.id, li);
    }
    const firstMs = Date.parse(p.firstSeen);
    li.querySelector('.dot').style.background = KIND_COLORS[p.kind] ?? '#ff5a5f';
    li.querySelector('.kind').textContent = KIND_LABELS[p.kind] ?? p.kind;
    li.querySelector('.conf').textContent = `${Math.round(p.confidence * 100)}%`;
    li.querySelector('.conf').title = 'confidence';
    li.querySelector('.meta').textContent =
      `${p.cameras} camera${p.cameras === 1 ? '' : 's'} · first seen ${new Date(firstMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} (${ago(firstMs)})`;
    li.title = `hazard ${p.id}\nlast seen ${p.lastSeen}${p.heading !== undefined ? `\nheading ${p.heading}°` : ''}`;
    li.classList.toggle('selected', p.id === selectedId);
    if (hazardList.children[i] !== li) hazardList.insertBefore(li, hazardList.children[i] ?? null);
  }
  el('count-hazards').textContent = String(hazards.length);
  el('hazard-empty').hidden = hazards.length > 0;
}

function selectHazard(h, centre) {
  if (selectedId !== h.properties.id) evidence = null;
  selectedId = h.properties.id;
  void loadEvidence();
  for (const [id, li] of rows) li.classList.toggle('selected', id === selectedId);
  rows.get(selectedId)?.scrollIntoView({ block: 'nearest' });
  if (centre) {
    const [lng, lat] = h.geometry.coordinates;
    const area = openArea();
    view.ppd = Math.max(view.ppd, view.fitPpd * 6);
    view.lng = lng - (area.x + area.w / 2 - width / 2) / (view.ppd * kx);
    view.lat = lat + (area.y + area.h / 2 - height / 2) / view.ppd;
    viewChanged();
  }
}

/** Evidence behind the selected hazard: per stage, per minute, per cell; refreshed while selected. */
async function loadEvidence() {
  clearTimeout(evidenceTimer);
  const h = hazards.find((x) => x.properties.id === selectedId);
  const section = el('evidence');
  if (!h) {
    section.hidden = true;
    return;
  }
  const p = h.properties;
  const [lng, lat] = h.geometry.coordinates;
  // The kind's window (from /map/kinds.json): evidence from that long before the hazard was first seen.
  const from = new Date(Date.parse(p.firstSeen) - (KIND_WINDOW_MINUTES[p.kind] ?? 20) * 60_000).toISOString();
  const to = new Date(Date.parse(p.clearedAt ?? p.lastSeen) + 60_000).toISOString();
  const q = new URLSearchParams({ lat: String(lat), lng: String(lng), from, to });
  if (p.heading !== undefined) q.set('heading', String(p.heading));
  section.hidden = false;
  el('evidence-title').textContent = `${KIND_LABELS[p.kind] ?? p.kind} · ${p.id}`;
  el('stage-raised').textContent = String(p.cameras);
  try {
    const res = await fetch(`/map/evidence.json?${q}`, { cache: 'no-store' });
    if (res.status === 404) {
      evidence = null;
      el('evidence-empty').hidden = false;
      renderEvidence();
      return;
    }
    if (!res.ok) throw new Error(String(res.status));
    if (p.id !== selectedId) return;
    evidence = await res.json();
    el('evidence-empty').hidden = true;
    renderEvidence();
  } catch {
    // The stack is busy; keep what is shown and try again.
  }
  evidenceTimer = setTimeout(loadEvidence, EVIDENCE_EVERY_MS);
}

function renderEvidence() {
  el('stage-device').textContent = evidence ? String(evidence.stages.device.cameras) : '–';
  el('stage-uploaded').textContent = evidence ? String(evidence.stages.uploaded.cameras) : '–';
  const timeline = el('evidence-timeline');
  const minutes = evidence?.timeline ?? [];
  const top = Math.max(1, ...minutes.map((m) => Math.max(m.device, m.uploaded)));
  timeline.replaceChildren(
    ...minutes.map((m) => {
      const col = document.createElement('div');
      col.className = 'minute';
      col.title = `${new Date(m.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: ${m.device} on device, ${m.uploaded} uploaded`;
      const dev = document.createElement('i');
      dev.className = 'device';
      dev.style.height = `${(100 * m.device) / top}%`;
      const up = document.createElement('i');
      up.className = 'uploaded';
      up.style.height = `${(100 * m.uploaded) / top}%`;
      col.append(dev, up);
      return col;
    }),
  );
  const list = el('evidence-cells');
  list.replaceChildren(
    ...(evidence?.cells ?? []).slice(0, 8).map((c) => {
      const li = document.createElement('li');
      li.textContent = `${c.cell} · ${c.cameras} camera${c.cameras === 1 ? '' : 's'}, ${c.reports} report${c.reports === 1 ? '' : 's'}`;
      return li;
    }),
  );
}

// ---------------------------------------------------------------- interaction

function hazardAt(x, y) {
  let best = null;
  let bestD = 16;
  for (const h of hazards) {
    const [hx, hy] = project(...h.geometry.coordinates);
    const d = Math.hypot(hx - x, hy - y);
    if (d < bestD) {
      best = h;
      bestD = d;
    }
  }
  return best;
}

const CALIBRATION_LABELS = {
  forward: 'mounting known (down and forward)',
  gravity: 'down known, learning forward',
  none: 'not yet calibrated',
};

function cameraAt(x, y) {
  const now = performance.now();
  let best = null;
  let bestD = 9;
  for (const [id, cam] of cameras) {
    const [cx, cy] = project(...cameraPosition(cam, now));
    const d = Math.hypot(cx - x, cy - y);
    if (d < bestD) {
      best = { id, ...cam };
      bestD = d;
    }
  }
  return best;
}

function cellAt(x, y) {
  const [lng, lat] = unproject(x, y);
  return cells.find((c) => {
    // Even–odd ray cast; cells are small, so degrees are flat enough.
    let inside = false;
    const b = c.boundary;
    for (let i = 0, j = b.length - 1; i < b.length; j = i++) {
      const [yi, xi] = b[i];
      const [yj, xj] = b[j];
      if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  });
}

function showTooltip(x, y, lines) {
  tooltip.replaceChildren(
    ...lines.map((t, i) => {
      const d = document.createElement('div');
      if (i === 0) d.style.fontWeight = '600';
      d.textContent = t;
      return d;
    }),
  );
  tooltip.hidden = false;
  tooltip.style.left = `${Math.min(x + 14, width - 270)}px`;
  tooltip.style.top = `${y + 14}px`;
}

function hover(x, y) {
  const h = hazardAt(x, y);
  if (h) {
    const p = h.properties;
    showTooltip(x, y, [
      KIND_LABELS[p.kind] ?? p.kind,
      `${p.cameras} cameras · confidence ${Math.round(p.confidence * 100)}%`,
      `first seen ${new Date(p.firstSeen).toLocaleTimeString()}`,
      `last seen ${new Date(p.lastSeen).toLocaleTimeString()}`,
      ...(p.heading !== undefined ? [`heading ${p.heading}°`] : []),
    ]);
    canvas.style.cursor = 'pointer';
    return;
  }
  canvas.style.cursor = '';
  const cam = cameraAt(x, y);
  if (cam) {
    showTooltip(x, y, [
      `${cam.id}${cam.model ? ` · ${cam.model}` : ''}`,
      `${Math.round(cam.speedMps * 3.6)} km/h, heading ${cam.heading}°`,
      ...(cam.calibration ? [`calibration: ${CALIBRATION_LABELS[cam.calibration] ?? cam.calibration}`] : []),
      ...(cam.queueDepth !== undefined
        ? [`queue: ${cam.queueDepth} batch${cam.queueDepth === 1 ? '' : 'es'} waiting`]
        : []),
    ]);
    return;
  }
  const c = cellAt(x, y);
  if (c) {
    showTooltip(x, y, [`${c.kind} evidence: ${c.evidence}`, 'camera reports, last 20 min', c.cell]);
    return;
  }
  tooltip.hidden = true;
}

let drag = null;
canvas.addEventListener('pointerdown', (e) => {
  drag = { x: e.clientX, y: e.clientY, lng: view.lng, lat: view.lat, moved: false };
  canvas.setPointerCapture(e.pointerId);
});
canvas.addEventListener('pointermove', (e) => {
  if (!drag) {
    hover(e.clientX, e.clientY);
    return;
  }
  const dx = e.clientX - drag.x;
  const dy = e.clientY - drag.y;
  if (!drag.moved && Math.hypot(dx, dy) < 4) return;
  drag.moved = true;
  canvas.classList.add('dragging');
  tooltip.hidden = true;
  view.lng = drag.lng - dx / (view.ppd * kx);
  view.lat = drag.lat + dy / view.ppd;
  viewChanged();
});
canvas.addEventListener('pointerup', (e) => {
  if (drag && !drag.moved) {
    const h = hazardAt(e.clientX, e.clientY);
    if (h) selectHazard(h, false);
  }
  drag = null;
  canvas.classList.remove('dragging');
});
canvas.addEventListener('pointerleave', () => {
  tooltip.hidden = true;
});
canvas.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    // Lines (Firefox) and pages scroll much further per event than pixels.
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? height : 1;
    zoomAt(e.clientX, e.clientY, Math.exp(-e.deltaY * unit * 0.0015));
  },
  { passive: false },
);
canvas.addEventListener('dblclick', (e) => zoomAt(e.clientX, e.clientY, e.shiftKey ? 0.5 : 2));
el('zoom-in').addEventListener('click', () => zoomAt(width / 2, height / 2, 1.6));
el('zoom-out').addEventListener('click', () => zoomAt(width / 2, height / 2, 1 / 1.6));
el('coverage-toggle').addEventListener('click', () => void toggleCoverage());
el('zoom-fit').addEventListener('click', () => {
  fitToRoads();
  viewChanged();
});
window.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLElement && e.target.closest('#panel')) return;
  const step = 80;
  const pan = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[
    e.key
  ];
  if (pan) {
    view.lng += pan[0] / (view.ppd * kx);
    view.lat -= pan[1] / view.ppd;
    viewChanged();
  } else if (e.key === '+' || e.key === '=') zoomAt(width / 2, height / 2, 1.6);
  else if (e.key === '-') zoomAt(width / 2, height / 2, 1 / 1.6);
});
window.addEventListener('resize', () => {
  resize();
  viewChanged();
});

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------- start

resize();
drawScale();
requestAnimationFrame(frame);
renderHazardList();
void loadKinds();
void loadRoads();
void pollLive();
scheduleHazards(0);
