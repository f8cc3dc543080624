/** Pittsburgh and surroundings: the bundled road network's extent. */
export const NETWORK_BBOX = '-80.10,40.36,-79.86,40.50';

/**
 * Polls the public hazards API and prints a line for each hazard the first time it is seen:
 * the console shows what a driver's app would see, through the same API.
 */
export function watchHazards(apiUrl: string, print: (line: string) => void, everyMs = 2000) {
  const seen = new Set<string>();
  const timer = setInterval(async () => {
    try {
      const res = await fetch(`${apiUrl}/v1/hazards?bbox=${NETWORK_BBOX}`);
      if (!res.ok) return;
      const body = (await res.json()) as {
        features: {
          properties: {
            id: string;
            kind: string;
            cameras: number;
            confidence: number;
            firstSeen: string;
            heading?: number;
          };
          geometry: { coordinates: [number, number] };
        }[];
      };
      for (const f of body.features) {
        const p = f.properties;
        if (seen.has(p.id)) continue;
        seen.add(p.id);
        const [lng, lat] = f.geometry.coordinates;
        print(
          `hazard raised: ${p.kind} at ${lat.toFixed(5)},${lng.toFixed(5)}` +
            `${p.heading === undefined ? '' : ` heading ${p.heading}°`} — ${p.cameras} cameras, ` +
            `confidence ${p.confidence}, first seen ${p.firstSeen} (${p.id})`,
        );
      }
    } catch {
      // The stack is stopping or busy; the next poll tries again.
    }
  }, everyMs);
  return { stop: () => clearInterval(timer) };
}
