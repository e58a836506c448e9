import { TokenBucket } from '../rate-limit.ts';

/** Sign-in posts per client address: a burst of 20, then one every 3 seconds. */
export const signInBucket = new TokenBucket(20, 3_000);
