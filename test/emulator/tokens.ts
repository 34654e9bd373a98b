// Which bearer tokens the service accepts: a required one (if any), revoked ones, and new ones accepted later.
import type * as http from 'node:http';
import { jsonReply, type Reply } from './replies';

export class TokenRules {
  /** Undefined: any non-empty token is accepted (unless revoked). */
  private accepted: Set<string> | undefined;
  private readonly revoked = new Set<string>();
  /** Tokens that were accepted at least once, so "revoke what clients use" needs no token from the test. */
  private readonly used = new Set<string>();

  constructor(private readonly requiredToken: string | undefined) {
    this.accepted = requiredToken === undefined ? undefined : new Set([requiredToken]);
  }

  /** Refuses this token from now on; without one, every token accepted so far (as when a key is regenerated). */
  revoke(token?: string): void {
    const tokens = token === undefined ? [...this.used, ...(this.accepted ?? [])] : [token];
    for (const t of tokens) {
      this.revoked.add(t);
      this.accepted?.delete(t);
    }
  }

  /** Accepts this token from now on, also one revoked before (the user fixed the account). */
  accept(token: string): void {
    this.revoked.delete(token);
    this.accepted?.add(token);
  }

  /** The 401 for a request whose token is missing, wrong or revoked; undefined when it may go on. */
  failure(req: http.IncomingMessage): Reply | undefined {
    const header = req.headers.authorization;
    const m = typeof header === 'string' ? /^\s*Bearer\s+(\S.*?)\s*$/i.exec(header) : null;
    const headers = { 'www-authenticate': 'Bearer' };
    if (!m) {
      return jsonReply(401, { error_code: 400004, error_message: 'Missing API token: send Authorization: Bearer <token>' }, headers);
    }
    const token = m[1];
    if (this.revoked.has(token) || (this.accepted !== undefined && !this.accepted.has(token))) {
      return jsonReply(401, { error_code: 400004, error_message: 'Invalid, expired or revoked API token' }, headers);
    }
    this.used.add(token);
    return undefined;
  }

  reset(): void {
    this.revoked.clear();
    this.used.clear();
    this.accepted = this.requiredToken === undefined ? undefined : new Set([this.requiredToken]);
  }
}
