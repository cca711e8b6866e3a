// The ministry SOAP client (sources.md §1): the `soap` package builds envelopes from the local
// WSDL (its address is a placeholder; the configured URL wins) and parses answers; this file
// turns what soap throws into transport errors that kit/classify.ts understands.
import path from 'node:path';
import soap from 'soap';
import type { Client } from 'soap';
import { ConnectorError } from '../kit/errors/connector-error.ts';
import { HttpStatusError, MalformedBodyError, SoapFaultError } from '../kit/errors/transport-errors.ts';
import { withRetry } from '../kit/retry.ts';
import { createHttpClient } from '../kit/http.ts';
import type { HttpClient, HttpResponse } from '../kit/http.ts';
import { decodeAnswer, readQueryAnswer, soapBody } from './soap-answer.ts';
import type { MinistryRecord } from './soap-answer.ts';
import { retryOptions } from '../kit/connector-deps.ts';
import type { CallOptions, ConnectorDeps, RetryConfig } from '../kit/connector-deps.ts';
import { UsernameTokenDigestSecurity } from './ws-security.ts';

export const MINISTRY_WSDL_PATH = path.join(import.meta.dirname, 'ministry.wsdl');

export interface MinistryClientConfig {
  url: string;
  username: string;
  password: string;
  timeoutMs: number;
  retry: RetryConfig;
}

export interface MinistryClientDeps extends ConnectorDeps {
  /** WS-Security nonce bytes; default 16 random bytes per call */
  nonce?: () => Uint8Array;
}

export interface QueryCertDataRequest {
  dataType: string;
  areaCode: string;
  /** YYYYMMDD, inclusive, on aae036 */
  startDate: string;
  /** YYYYMMDD, inclusive */
  endDate: string;
  pageNo: number;
  pageSize: number;
}

export type { MinistryRecord } from './soap-answer.ts';

export interface QueryCertDataResult {
  resultCode: string;
  resultMsg: string;
  totalCount: number;
  pageNo: number;
  pageSize: number;
  records: MinistryRecord[];
  /** the SOAP response's bytes as received (archived as such, whatever their encoding) */
  body: Uint8Array;
  request: string;
}

/** SubmitFeedback item: adoption feedback (采纳情况反馈). */
export interface MinistryFeedbackItem {
  recordId: string;
  dataType: string;
  adopted: '1' | '0';
  reasonCode?: string;
  reasonMsg?: string;
  /** YYYYMMDD */
  feedbackDate: string;
}

/** SubmitCorrection item: false-data feedback (不属实数据反馈). */
export interface MinistryCorrectionItem {
  feedbackId: string;
  recordId: string;
  dataType: string;
  aac002: string;
  field: string;
  reportedValue: string;
  correctedValue?: string;
  reasonCode: string;
  verifiedDate: string;
}

export interface SubmitResult {
  resultCode: string;
  resultMsg: string;
  acceptedCount: number;
  body: string;
}

type SoapAsyncMethod = (args: unknown, options?: Record<string, unknown>) => Promise<[unknown, string, unknown, string]>;

export class MinistryClient {
  readonly config: Readonly<MinistryClientConfig>;
  private readonly deps: MinistryClientDeps;
  private client: Promise<Client> | null = null;
  private readonly endpointPath: string;
  private readonly http: HttpClient;
  private readonly security: UsernameTokenDigestSecurity;

  constructor(config: Readonly<MinistryClientConfig>, deps: MinistryClientDeps = {}, http?: HttpClient) {
    this.config = config;
    this.deps = deps;
    this.endpointPath = new URL(config.url).pathname;
    this.http = http ?? createHttpClient({ timeoutMs: config.timeoutMs });
    this.security = new UsernameTokenDigestSecurity(config.username, config.password, {
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.nonce ? { nonce: deps.nonce } : {}),
    });
  }

  /**
   * QueryCertData. Sent and read by the hub itself rather than by soap: the answer's bytes are
   * decoded in the encoding it declares (GBK included), field elements are read by their text
   * whatever attributes they carry, every <records> element counts, and an empty or truncated
   * answer is retried (soap read the first as a refusal and the others as empty values).
   */
  async queryCertData(req: QueryCertDataRequest, options: CallOptions & { maxAttempts?: number } = {}): Promise<QueryCertDataResult> {
    const request = `POST ${this.endpointPath} QueryCertData dataType=${req.dataType} areaCode=${req.areaCode} startDate=${req.startDate} endDate=${req.endDate} pageNo=${req.pageNo} pageSize=${req.pageSize}`;
    const retry = retryOptions(this.config.retry, this.deps, options, request);
    if (options.maxAttempts !== undefined) retry.maxAttempts = options.maxAttempts;
    return withRetry(async () => {
      const envelope = queryEnvelope(req, this.security.toXML());
      let res: HttpResponse;
      try {
        res = await this.http.send({
          method: 'POST',
          url: this.config.url,
          headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${TNS}/QueryCertData"`, Accept: 'text/xml' },
          body: envelope,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (err) {
        // a fault comes with a 500: read it as the fault it is
        if (err instanceof HttpStatusError && /Fault/.test(err.body)) soapBody(err.body, err.status, request);
        throw err;
      }
      const body = soapBody(decodeAnswer(res.bytes, res.headers['content-type']), res.status, request);
      const answer = readQueryAnswer(body, req.pageNo, request);
      return { ...answer, pageNo: req.pageNo, pageSize: req.pageSize, body: res.bytes, request };
    }, retry);
  }

  /** SubmitFeedback: idempotent on (batchId, dataType, recordId). */
  async submitFeedback(batchId: string, items: readonly MinistryFeedbackItem[], options: { signal?: AbortSignal } = {}): Promise<SubmitResult> {
    return this.submit('SubmitFeedbackAsync', 'SubmitFeedback', { batchId, items: { item: items } }, options);
  }

  /** SubmitCorrection: idempotent on feedbackId. */
  async submitCorrection(batchId: string, items: readonly MinistryCorrectionItem[], options: { signal?: AbortSignal } = {}): Promise<SubmitResult> {
    return this.submit('SubmitCorrectionAsync', 'SubmitCorrection', { batchId, items: { item: items } }, options);
  }

  private async submit(method: string, operation: string, args: unknown, options: { signal?: AbortSignal }): Promise<SubmitResult> {
    const request = `POST ${this.endpointPath} ${operation}`;
    const { result, body } = await this.invoke(method, args, request, options);
    const r = asObject(result);
    const resultCode = text(r.resultCode);
    if (resultCode !== '0000') {
      throw new ConnectorError('LIFECERT_CONNECTOR_RESULT_NOT_OK', `ministry ${operation} answered resultCode ${resultCode || '(none)'}: ${text(r.resultMsg)}`, { request });
    }
    return { resultCode, resultMsg: text(r.resultMsg), acceptedCount: Number(r.acceptedCount), body };
  }

  private async invoke(method: string, args: unknown, request: string, options: CallOptions & { maxAttempts?: number }): Promise<{ result: unknown; body: string }> {
    const client = await this.soapClient();
    const fn = client[method] as SoapAsyncMethod | undefined;
    if (typeof fn !== 'function') throw new ConnectorError('LIFECERT_CONNECTOR_UNEXPECTED', `the ministry WSDL has no operation ${method}`);
    const retry = retryOptions(this.config.retry, this.deps, options, request);
    if (options.maxAttempts !== undefined) retry.maxAttempts = options.maxAttempts;
    return withRetry(async () => {
      try {
        const [result, body] = await fn.call(client, args, { timeout: this.config.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
        return { result, body: typeof body === 'string' ? body : String(body ?? '') };
      } catch (err) {
        throw toTransportError(err, request);
      }
    }, retry);
  }

  private soapClient(): Promise<Client> {
    this.client ??= soap
      .createClientAsync(MINISTRY_WSDL_PATH, { endpoint: this.config.url })
      .then((client) => {
        client.setSecurity(
          new UsernameTokenDigestSecurity(this.config.username, this.config.password, {
            ...(this.deps.now ? { now: this.deps.now } : {}),
            ...(this.deps.nonce ? { nonce: this.deps.nonce } : {}),
          }),
        );
        return client;
      })
      .catch((err: unknown) => {
        this.client = null;
        throw new ConnectorError('LIFECERT_CONNECTOR_CONFIG_INVALID', `the ministry WSDL could not be loaded: ${(err as Error).message}`, { cause: err });
      });
    return this.client;
  }
}

/** What soap threw → a SOAP fault, an HTTP status, a malformed body, or the socket error as is. */
function toTransportError(err: unknown, request: string): unknown {
  if (!err || typeof err !== 'object') return err;
  const e = err as { root?: unknown; response?: { status?: number; headers?: Record<string, unknown>; data?: unknown }; body?: unknown; message?: string };
  const faultNode = asObject(asObject(asObject(e.root).Envelope).Body).Fault;
  const status = e.response?.status;
  if (faultNode && typeof faultNode === 'object') {
    const f = asObject(faultNode);
    return new SoapFaultError(text(f.faultcode), text(f.faultstring), status ?? 500, request);
  }
  if (status === undefined) return err; // no response at all: socket / timeout / abort
  const body = typeof e.body === 'string' ? e.body : typeof e.response?.data === 'string' ? e.response.data : '';
  if (status < 200 || status > 299) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.response?.headers ?? {})) if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
    return new HttpStatusError(status, headers, body, request);
  }
  return new MalformedBodyError(request, `not a complete SOAP envelope (${e.message || 'XML parse error'})`, body);
}

function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return '';
  return String(v);
}

const TNS = 'http://cert.mohrss.example/ws/2021';

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The QueryCertData request envelope (document/literal, as the WSDL and soap write it), with its WS-Security header. */
function queryEnvelope(req: QueryCertDataRequest, security: string): string {
  const el = (name: string, value: string | number): string => `<${name}>${xmlText(String(value))}</${name}>`;
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:tns="${TNS}">` +
    `<soap:Header>${security}</soap:Header>` +
    `<soap:Body><QueryCertDataRequest xmlns="${TNS}">` +
    el('dataType', req.dataType) + el('areaCode', req.areaCode) + el('startDate', req.startDate) + el('endDate', req.endDate) +
    el('pageNo', req.pageNo) + el('pageSize', req.pageSize) +
    '</QueryCertDataRequest></soap:Body></soap:Envelope>'
  );
}
