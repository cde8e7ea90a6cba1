// App access tokens (§5): both token endpoints and the two ways of presenting a token.
import { apiError, asRecord, oapiError, oapiOk, ok, str, type Route, type SimRequest, type SimResponse } from './http.js';
import { token as newToken } from './ids.js';
import type { SimConfig } from './sim-config.js';

/** Issues one app token at a time; asking again while it is valid returns it and extends it (as DingTalk does). */
export class TokenBook {
  private current?: { token: string; expiresAt: number };

  constructor(private readonly config: SimConfig) {}

  issue(): { token: string; expiresIn: number } {
    const now = this.config.now();
    const ttlMs = this.config.tokenTtlSec * 1000;
    if (!this.current || this.current.expiresAt <= now) this.current = { token: newToken(), expiresAt: now + ttlMs };
    else this.current.expiresAt = now + ttlMs;
    return { token: this.current.token, expiresIn: this.config.tokenTtlSec };
  }

  isValid(token: string | undefined): boolean {
    return !!token && !!this.current && this.current.token === token && this.current.expiresAt > this.config.now();
  }

  expireAll(): void {
    this.current = undefined;
  }
}

/** New-API auth: only the `x-acs-dingtalk-access-token` header counts (query/Bearer are "missing"). */
export function checkHeaderAuth(tokens: TokenBook, req: SimRequest): SimResponse | undefined {
  const presented = req.headers['x-acs-dingtalk-access-token'];
  if (!presented) return apiError(400, 'AuthenticationFailed.MissingParameter', '缺少参数：x-acs-dingtalk-access-token');
  if (!tokens.isValid(presented)) return apiError(400, 'InvalidAuthentication', '不合法的access_token');
  return undefined;
}

/** Old-API auth: `?access_token=`; errcode 88 with sub_code 40000 (blank) or 40014 (invalid). */
export function checkQueryAuth(tokens: TokenBook, req: SimRequest): SimResponse | undefined {
  const presented = req.query.access_token;
  if (!presented) {
    return oapiError(88, 'ding talk error[subcode=40000,submsg=access_token is blank]', {
      sub_code: '40000',
      sub_msg: 'access_token is blank',
    });
  }
  if (!tokens.isValid(presented)) {
    return oapiError(88, 'ding talk error[subcode=40014,submsg=不合法的access_token]', {
      sub_code: '40014',
      sub_msg: '不合法的access_token',
    });
  }
  return undefined;
}

/** `POST /v1.0/oauth2/accessToken` and `GET /gettoken`. */
export function tokenRoutes(config: SimConfig, tokens: TokenBook): Record<string, Route> {
  const matches = (key: unknown, secret: unknown) => key === config.clientId && secret === config.clientSecret;
  return {
    'POST /v1.0/oauth2/accessToken': {
      auth: 'none',
      handle: (req) => {
        const body = asRecord(req.body);
        if (!matches(body.appKey, body.appSecret)) return apiError(400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
        const issued = tokens.issue();
        return ok({ accessToken: issued.token, expireIn: issued.expiresIn });
      },
    },
    'GET /gettoken': {
      auth: 'none',
      handle: (req) => {
        // Bad keys are still HTTP 200 on the old API (observed errcode 40096).
        if (!matches(str(req.query.appkey), str(req.query.appsecret))) return oapiError(40096, '不合法的appKey或appSecret');
        const issued = tokens.issue();
        return oapiOk({ access_token: issued.token, expires_in: issued.expiresIn });
      },
    },
  };
}
