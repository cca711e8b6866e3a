// The dashboard's pages: the layout with its inline stylesheet (no outside address: the page
// works on an agency network without the internet), the login form and the error page.
import { maskName } from '../../lib/mask.ts';
import type { User } from '../../schemas/access.ts';
import { html, raw } from './html.ts';
import type { Html } from './html.ts';

/** No script, nothing from outside: styles inline, forms only to this server. */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = raw(`
:root{--bg:#f4f6f8;--fg:#1d2733;--mut:#5b6877;--line:#d8dee5;--card:#fff;--green:#1e9e55;--amber:#e0a100;--red:#d93025;--blue:#1f5fa8}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 "Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;background:var(--bg);color:var(--fg)}
header{background:#12355b;color:#fff;padding:10px 20px;display:flex;align-items:center;gap:16px;flex-wrap:wrap}
header h1{font-size:18px;margin:0;font-weight:600}header .who{margin-left:auto;font-size:13px;opacity:.9}
header form{display:inline}header button{background:transparent;border:1px solid #9fb6cf;color:#fff;border-radius:4px;padding:3px 10px;cursor:pointer}
nav{padding:6px 20px;background:#e3eaf2;font-size:13px}nav a{margin-right:14px;color:var(--blue);text-decoration:none}
main{padding:14px 20px;display:grid;gap:14px}
section{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:12px 16px}
section h2{margin:0 0 8px;font-size:16px}h3{font-size:14px;margin:12px 0 6px;color:var(--mut)}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f0f3f6;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tfoot td,tfoot th{font-weight:600;border-top:2px solid var(--line)}
code{font-family:"Noto Sans Mono",ui-monospace,monospace;font-size:12px;color:#33475b}
.dot{display:inline-block;min-width:12px;height:12px;border-radius:6px;vertical-align:-1px;margin-right:4px;font-size:0}
.dot[data-colour]{font-size:11px;height:auto;padding:1px 7px;color:#fff;border-radius:9px}
.dot.green{background:var(--green)}.dot.amber{background:var(--amber)}.dot.red{background:var(--red)}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:11px;background:#dfe5ec}
.s-running{background:#d6e6fb;color:#174a86}.s-queued{background:#ece6d6}.s-succeeded{background:#d8f0e1;color:#11653a}.s-failed{background:#fadcd9;color:#9c1c12}
.bar{display:inline-block;width:140px;height:9px;background:#e6ebf0;border-radius:5px;overflow:hidden;vertical-align:middle}.bar span{display:block;height:100%;background:var(--blue)}
.run{border-left:3px solid var(--line);padding:4px 10px;margin:8px 0}.run[data-state=RUNNING]{border-color:var(--blue)}.run[data-state=FAILED]{border-color:var(--red)}.run[data-state=SUCCEEDED]{border-color:var(--green)}
.run table{margin-top:4px}.steps th{width:110px}.err{color:var(--red)}.bad{color:var(--red);font-weight:600}
.alert{background:#fadcd9;color:#9c1c12;border-left:4px solid var(--red);padding:6px 10px;margin:0 0 8px;font-weight:600}.alert-row td{background:#fdf0ee}
.summary{margin:0 0 8px}.summary b{margin-right:12px}.hint{color:var(--mut);font-size:12px;display:block;margin-top:4px}.empty{color:var(--mut)}
footer{padding:8px 20px 18px;color:var(--mut);font-size:12px}
.login{max-width:420px;margin:60px auto;background:#fff;border:1px solid var(--line);border-radius:6px;padding:20px 24px}
.login input[type=password]{width:100%;padding:7px;font:inherit;border:1px solid var(--line);border-radius:4px}.login button{margin-top:12px;padding:7px 18px;font:inherit;background:var(--blue);color:#fff;border:0;border-radius:4px;cursor:pointer}
`);

function shell(title: string, body: Html, head: Html = html``): string {
  return html`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${title}</title>${head}<style>${STYLE}</style></head>
<body>${body}</body></html>`.text;
}

export interface RenderedSection {
  id: string;
  title: string;
  body: Html;
}

export function dashboardPage(o: { user: User; sections: readonly RenderedSection[]; generatedAt: string; refreshSeconds: number }): string {
  const head = html`<meta http-equiv="refresh" content="${o.refreshSeconds}">`;
  return shell(
    '监控面板 Dashboard — lifecert',
    html`<header><h1>城乡居保资格认证数据枢纽 · 监控面板 <small>lifecert dashboard</small></h1>
      <span class="who" data-viewer-region="${o.user.region}">${maskName(o.user.name)} · ${o.user.roles.join(', ')} · 区域 region <b>${o.user.region}</b></span>
      <form method="post" action="/dashboard/logout"><button type="submit">退出 Log out</button></form></header>
      <nav>${o.sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`)}</nav>
      <main>${o.sections.map((s) => html`<section id="${s.id}" data-section="${s.id}"><h2>${s.title}</h2>${s.body}</section>`)}</main>
      <footer>更新于 updated <span data-generated-at="${o.generatedAt}">${o.generatedAt.replace('T', ' ').slice(0, 19)}</span>（北京时间 China time）· 每 ${o.refreshSeconds} 秒自动刷新 refreshes every ${o.refreshSeconds} s · 身份证号与姓名已脱敏 identity numbers and names are masked · <a href="/dashboard/data.json">JSON</a></footer>`,
    head,
  );
}

export function loginPage(o: { next: string; error?: string | null }): string {
  return shell(
    '登录 Log in — lifecert',
    html`<div class="login"><h1>城乡居保资格认证数据枢纽<br><small>lifecert — 登录 log in</small></h1>
      ${o.error ? html`<p class="err" role="alert">${o.error}</p>` : ''}
      <form method="post" action="/dashboard/login">
        <label for="token">访问令牌 Access token</label>
        <input id="token" name="token" type="password" autocomplete="off" required placeholder="lct_…">
        <input type="hidden" name="next" value="${o.next}">
        <button type="submit">登录 Log in</button>
      </form>
      <p class="hint">令牌由管理员用 <code>lifecert user add</code> 或 API 签发 — a token from <code>lifecert user add</code> or <code>POST /api/v1/users/{id}/tokens</code>. 会话最长 8 小时 The session lasts 8 hours at most.</p></div>`,
  );
}

export function errorPage(o: { status: number; code: string; message: string }): string {
  return shell(
    `${o.status} — lifecert`,
    html`<div class="login"><h1>${o.status}</h1><p class="err"><code>${o.code}</code></p><p>${o.message}</p>
      <p><a href="/dashboard/login">重新登录 Log in again</a> · <a href="/dashboard">监控面板 Dashboard</a></p></div>`,
  );
}
