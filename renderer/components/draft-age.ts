const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago": how old a recovered draft is. */
export function describeAge(savedAt: number, now: number): string {
  const age = Math.max(0, now - savedAt);
  if (age < MINUTE) return 'just now';
  const [amount, unit] =
    age < HOUR
      ? [Math.floor(age / MINUTE), 'minute']
      : age < DAY
        ? [Math.floor(age / HOUR), 'hour']
        : [Math.floor(age / DAY), 'day'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'} ago`;
}
