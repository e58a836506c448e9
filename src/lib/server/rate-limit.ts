/**
 * An in-memory token bucket per key (client address): cheap protection for
 * expensive endpoints (password hashing) before any database work. Lost on
 * restart by design; the durable per-account throttle is login-throttle.ts.
 */
export class TokenBucket {
  private buckets = new Map<string, { count: number; refilledAt: number }>();
  readonly max: number;
  readonly refillIntervalMs: number;

  constructor(max: number, refillIntervalMs: number) {
    this.max = max;
    this.refillIntervalMs = refillIntervalMs;
  }

  /** Takes `cost` tokens if there are enough; false means "too many requests". */
  consume(key: string, cost = 1, now = Date.now()): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size > 50_000) this.buckets.clear();
      bucket = { count: this.max, refilledAt: now };
      this.buckets.set(key, bucket);
    }
    const refill = Math.floor((now - bucket.refilledAt) / this.refillIntervalMs);
    if (refill > 0) {
      bucket.count = Math.min(this.max, bucket.count + refill);
      bucket.refilledAt += refill * this.refillIntervalMs;
    }
    if (bucket.count < cost) return false;
    bucket.count -= cost;
    return true;
  }
}
