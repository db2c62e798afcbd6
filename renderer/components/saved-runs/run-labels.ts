/** `2025-11-23 15:06:12`, in the viewer's time zone; the ISO text when it is not a date. */
export function formatStart(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** `1.2 MB`, `830 kB`, `512 B`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}

/** `+3`, `−2`, `0`. */
export function formatDelta(a: number, b: number): string {
  const delta = b - a;
  if (delta > 0) return `+${delta.toLocaleString('en-US')}`;
  if (delta < 0) return `−${(-delta).toLocaleString('en-US')}`;
  return '0';
}
