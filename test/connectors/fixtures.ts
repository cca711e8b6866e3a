// Source records and files as each source serves them, shared by the unit tests and the conformance fixtures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';

export function bigdataRecord(id: string, gxsj: string): Record<string, string> {
  return { JLID: id, GMSFHM: '440106194103020017', XM: '张三', XBDM: '1', CSRQ: '19410302', SJLY: '省卫生健康委', GXSJ: gxsj, SWRQ: '20261101', SWDD: '广州' };
}


export function policeItem(id: string, gxsj: string): Record<string, string> {
  return { id, sfzh: '440106194103020017', xm: '李四', xb: '男', csrq: '1941/03/02', hjzt: '注销', zxyy: '死亡', zxrq: '2026/11/01', hjdz: '广州市天河区', gxsj };
}


export function vaccination(id: string, updatedAt: string): Record<string, string> {
  return { vaccinationId: id, idType: '01', idNumber: '440106194103020017', name: '赵六', vaccine: '流感', administeredAt: '2026-11-05T10:00:00+08:00', updatedAt };
}


const NS = 'http://cert.mohrss.example/ws/2021';

export const envelope = (inner: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${inner}</soap:Body></soap:Envelope>`;

export function ministryRecord(id: string, aae036: string, dataType = 'DEATH'): Record<string, string> {
  return { recordId: id, aac002: '440106194103020017', aac003: '王五', aac004: '1', dataType, eventDate: '20261101', aae036 };
}

export function queryResponse(records: Record<string, string>[], totalCount: number, pageNo = 1, resultCode = '0000', resultMsg = '成功'): string {
  const recs = records.map((r) => `<record>${Object.entries(r).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</record>`).join('');
  return envelope(`<QueryCertDataResponse xmlns="${NS}"><resultCode>${resultCode}</resultCode><resultMsg>${resultMsg}</resultMsg><totalCount>${totalCount}</totalCount><pageNo>${pageNo}</pageNo><pageSize>2</pageSize><records>${recs}</records></QueryCertDataResponse>`);
}

export const fault = (code: string): string => envelope(`<soap:Fault><faultcode>soap:Server</faultcode><faultstring>${code}</faultstring></soap:Fault>`);


export const HEADER = '逝者姓名,身份证号码,性别,出生日期,死亡日期,火化日期,殡仪馆,登记时间';

export function tempDirs(): { root: string; inbox: string; outbox: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecert-civil-'));
  const inbox = path.join(root, 'inbox');
  const outbox = path.join(root, 'outbox');
  fs.mkdirSync(inbox);
  return { root, inbox, outbox };
}

/** Deliver a file as the civil office does: CSV first, then the .ok marker. */
export function deliver(inbox: string, name: string, text: string, encoding: 'gbk' | 'utf8-bom' = 'gbk', complete = true): void {
  fs.rmSync(path.join(inbox, `${name}.ok`), { force: true });
  const bytes = encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  fs.writeFileSync(path.join(inbox, name), bytes);
  if (complete) fs.writeFileSync(path.join(inbox, `${name}.ok`), '');
}

