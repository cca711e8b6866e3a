// Plausible names of elderly Guangdong residents, by sex, and the name variants sources send.
import type { Rng } from './prng.ts';

const SURNAMES: readonly (readonly [string, number])[] = [
  ['陈', 12], ['黄', 8], ['李', 8], ['梁', 6], ['林', 6], ['张', 6], ['何', 4], ['罗', 4], ['吴', 4],
  ['郑', 4], ['谢', 3], ['冯', 3], ['叶', 3], ['邓', 3], ['钟', 3], ['刘', 5], ['王', 4], ['杨', 3],
  ['周', 2], ['朱', 2], ['蔡', 2], ['许', 2], ['苏', 2], ['曾', 2], ['麦', 1], ['区', 1], ['卢', 2],
  ['潘', 2], ['郭', 2], ['方', 1], ['欧阳', 1], ['司徒', 1], ['袁', 1], ['彭', 1], ['赖', 1], ['江', 1],
  ['马', 1], ['余', 1], ['庄', 1], ['魏', 1], ['姚', 1], ['温', 1], ['翁', 1], ['詹', 1], ['谭', 1],
];

const MALE_GIVEN: readonly string[] = [
  '国强', '建华', '志明', '德明', '永庆', '锦荣', '耀祖', '伯宗', '荣光', '振华', '海生', '金福',
  '文辉', '明华', '庆生', '国平', '建平', '伟光', '炳坤', '汉文', '树林', '亚福', '阿水', '瑞昌',
  '添财', '家驹', '启明', '焕章', '润生', '少雄', '永祥', '广生', '德胜', '初', '强', '忠', '彬',
];

const FEMALE_GIVEN: readonly string[] = [
  '秀英', '秀兰', '桂英', '玉珍', '淑珍', '凤英', '美玲', '丽娟', '桂芳', '秀珍', '玉兰', '彩娣',
  '淑英', '春梅', '秀梅', '丽华', '凤珍', '淑美', '金凤', '惠芳', '少芬', '婉仪', '银娣', '亚妹',
  '月娥', '带娣', '瑞珍', '佩珍', '丽霞', '淑贞', '妹', '英', '娟',
];

/** Names that carry Latin letters or a separator dot (minorities, returned overseas Chinese). */
export const SPECIAL_NAMES: readonly { name: string; sex: '1' | '2' }[] = [
  { name: '阿依古丽·吐尔逊', sex: '2' }, { name: '买买提·艾力', sex: '1' }, { name: '迪丽努尔·阿不都', sex: '2' },
  { name: '林MARY', sex: '2' }, { name: '陈ANNA', sex: '2' }, { name: '黄PETER', sex: '1' },
];

/** Names holding a rare character that a GBK file cannot carry. */
export const RARE_NAMES: readonly { name: string; sex: '1' | '2' }[] = [
  { name: '王䶮', sex: '1' }, { name: '李㛃', sex: '2' }, { name: '陈𬀩', sex: '1' }, { name: '张䶮华', sex: '1' },
];

export function personName(rng: Rng, sex: '1' | '2'): string {
  return rng.weighted(SURNAMES) + rng.pick(sex === '1' ? MALE_GIVEN : FEMALE_GIVEN);
}

const SWAP_CHARS = '华军明强平英兰芳珍梅生荣辉国';

/** A different, plausible name (a data-entry error or another person under the same id). */
export function otherName(rng: Rng, name: string): string {
  for (;;) {
    const chars = [...name];
    const i = chars.length - 1;
    chars[i] = rng.pick([...SWAP_CHARS]);
    const candidate = chars.join('');
    if (candidate !== name) return candidate;
  }
}

const SEPARATOR_DOTS = ['•', '・', '．', '‧', '･'];
const GBK_SEPARATOR_DOTS = ['．'];

/** The separator dot as another system writes it (GBK files only have ．). */
export function otherDot(rng: Rng, name: string, gbk: boolean): string {
  return name.replace('·', rng.pick(gbk ? GBK_SEPARATOR_DOTS : SEPARATOR_DOTS));
}

export function toFullWidthLatin(s: string): string {
  return s.replace(/[A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/**
 * How a source writes a roster name so that it normalizes back to the same name
 * (normalization.md "Names"); `gbk` limits the forms to what a GBK file can carry.
 */
export function sendName(rng: Rng, name: string, dirtShare: number, gbk: boolean): string {
  if (!rng.chance(dirtShare)) return name;
  const forms: (() => string)[] = [
    () => `　${name}`,
    () => `${name}　`,
    () => (name.length >= 2 ? `${[...name][0]} ${[...name].slice(1).join('')}` : name),
    () => (name.length >= 2 ? `${[...name][0]}　${[...name].slice(1).join('')}` : name),
  ];
  if (name.includes('·')) forms.push(() => name.replace('·', rng.pick(gbk ? GBK_SEPARATOR_DOTS : SEPARATOR_DOTS)));
  if (/[A-Z]/.test(name)) {
    forms.push(() => name.replace(/[A-Z]+/g, (w) => w.toLowerCase()));
    forms.push(() => toFullWidthLatin(name));
    forms.push(() => name.replace(/[A-Z]+/g, (w) => ` ${w[0]}${w.slice(1).toLowerCase()}`));
  }
  return rng.pick(forms)();
}

/**
 * A name with a character the source could not carry: normalization treats it as empty, so it
 * never counts as a mismatch.
 */
export function unreadableName(rng: Rng, name: string, gbk: boolean): string {
  const chars = [...name];
  const lost = gbk ? rng.pick(['?', '？']) : rng.pick(['?', '？', '\uFFFD', '\uE3C1', '\uF8F0']);
  chars[chars.length - 1] = lost;
  return chars.join('');
}

/** A rare-character name as a GBK file carries it. */
export function gbkSafeName(name: string): string {
  return [...name].map((c) => (/[\u3400-\u4DBF]|[\u{20000}-\u{3FFFF}]/u.test(c) ? '?' : c)).join('');
}
