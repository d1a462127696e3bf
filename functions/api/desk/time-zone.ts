// Times as an office enters them: a wall-clock time in a named IANA time zone, made an instant (UTC) and back.

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone !== '' && zone.length <= 64;
  } catch {
    return false;
  }
}

/** The zone where a party's country keeps its time (the first, for countries with several); UTC when unknown. */
export function defaultTimeZone(country: string | undefined): string {
  try {
    const locale = new Intl.Locale(`und-${country ?? ''}`) as Intl.Locale & { timeZones?: string[]; getTimeZones?(): string[] };
    return locale.getTimeZones?.()[0] ?? locale.timeZones?.[0] ?? 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The zones to choose from, UTC first. */
export function timeZones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
}

/** The zone's offset from UTC at this instant, in ms (Athens in summer: +3 h). */
function offsetMs(at: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The instant of a wall-clock time ("2026-12-01T09:30", seconds optional) in `zone`; undefined when it is
 * not one. A time the clocks skip (spring forward) is taken an hour later, as clocks show it then.
 */
export function zonedTimeToInstant(local: string, zone: string): Date | undefined {
  const m = LOCAL_TIME.exec(local);
  if (!m || !isTimeZone(zone)) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== d) return undefined;
  // Two passes: the offset at the first guess may differ from the one at the answer near a clock change.
  const first = wall - offsetMs(wall, zone);
  return new Date(wall - offsetMs(first, zone));
}

/** The wall-clock time of an instant in `zone`, as a datetime-local field takes it ("2026-12-01T09:30:00"). */
export function instantToZonedTime(iso: string, zone: string): string {
  const at = Date.parse(iso);
  return new Date(at + offsetMs(at, zone)).toISOString().slice(0, 19);
}

/** "UTC+03:00": the zone's offset now, to make the zone explicit beside a time. */
export function offsetLabel(zone: string, at: Date): string {
  const minutes = Math.round(offsetMs(at.getTime(), zone) / 60_000);
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
