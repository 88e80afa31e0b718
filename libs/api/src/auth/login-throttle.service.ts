import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { API_OPTIONS, type ApiModuleOptions } from '../api.options';

/**
 * Counts failed sign-ins per account and per client address (D10). Successful sign-ins never count, so a
 * whole ward behind one reverse proxy can sign in at the start of a shift; an attacker guessing passwords
 * is slowed per account (and locks out, for one window, only the accounts they attack) and per address.
 * The address is Express's `req.ip`: the proxy's client address only when `trustProxy` names the proxy.
 */
@Injectable()
export class LoginThrottleService {
  private readonly perAccount: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;
  private readonly accountLimit: number;
  private readonly addressLimit: number;

  constructor(@Inject(API_OPTIONS) options: ApiModuleOptions) {
    const windowMs = options.loginThrottle?.ttlMs ?? 15 * 60_000;
    this.addressLimit = options.loginThrottle?.limit ?? 20;
    this.accountLimit = options.loginFailuresPerAccount ?? 5;
    const duration = Math.max(1, Math.ceil(windowMs / 1000));
    this.perAccount = new RateLimiterMemory({
      keyPrefix: 'login-account',
      points: this.accountLimit,
      duration,
    });
    this.perAddress = new RateLimiterMemory({
      keyPrefix: 'login-address',
      points: this.addressLimit,
      duration,
    });
  }

  /** Seconds until the caller may try again, or 0 when neither the account nor the address is blocked. */
  async retryAfterSeconds(username: string, address: string): Promise<number> {
    const [account, fromAddress] = await Promise.all([
      this.perAccount.get(accountKey(username)),
      this.perAddress.get(address),
    ]);
    const waits = [
      account && account.consumedPoints >= this.accountLimit ? account.msBeforeNext : 0,
      fromAddress && fromAddress.consumedPoints >= this.addressLimit ? fromAddress.msBeforeNext : 0,
    ];
    return Math.ceil(Math.max(...waits) / 1000);
  }

  async failed(username: string, address: string): Promise<void> {
    // consume() rejects once the points are used up; only the count matters here.
    await Promise.allSettled([
      this.perAccount.consume(accountKey(username)),
      this.perAddress.consume(address),
    ]);
  }

  /** A successful sign-in clears the account's failures (not the address's: other accounts share it). */
  async succeeded(username: string): Promise<void> {
    await this.perAccount.delete(accountKey(username));
  }
}

function accountKey(username: string): string {
  return username.trim().toLowerCase();
}
