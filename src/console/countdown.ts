/**
 * An offer's countdown as the card shows it. Pure (no DOM), so the unit tier checks it; the
 * workflow's timer decides when the offer ends, not this.
 */
export function timeLeft(expiresAt: string, now: number): string {
  const seconds = Math.ceil((Date.parse(expiresAt) - now) / 1000);
  if (seconds <= 0) return 'expired';
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')} left`;
}
