// Raw transport failures as the HTTP/SOAP layer sees them, before classify.ts decides what
// they mean. They never leave the kit: withRetry turns them into ConnectorErrors.

/** A response arrived with a status outside 2xx. */
export class HttpStatusError extends Error {
  override readonly name: string = 'HttpStatusError';
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly request: string;

  constructor(status: number, headers: Record<string, string>, body: string, request: string) {
    super(`HTTP ${status} from ${request}${bodyHint(body)}`);
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.request = request;
  }
}

/** A 2xx response whose body is not parseable as the interface promises (HTML, truncated). */
export class MalformedBodyError extends Error {
  override readonly name: string = 'MalformedBodyError';
  readonly body: string;
  readonly request: string;

  constructor(request: string, detail: string, body: string) {
    super(`malformed response body from ${request}: ${detail}${bodyHint(body)}`);
    this.body = body;
    this.request = request;
  }
}

/** A SOAP fault; `faultstring` is the ministry's error code (SYSTEM_BUSY, AUTH_FAILED ...). */
export class SoapFaultError extends Error {
  override readonly name: string = 'SoapFaultError';
  readonly faultcode: string;
  readonly faultstring: string;
  readonly status: number;
  readonly request: string;

  constructor(faultcode: string, faultstring: string, status: number, request: string) {
    super(`SOAP fault ${faultstring} (${faultcode}) from ${request}`);
    this.faultcode = faultcode;
    this.faultstring = faultstring;
    this.status = status;
    this.request = request;
  }
}

function bodyHint(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (!text) return '';
  return `: ${text.length > 160 ? `${text.slice(0, 160)}…` : text}`;
}
