// The civil-affairs cremation file's agreed header (sources.md §4): the connector reads by it and
// the sandbox writes by it, so it lives with the other wire contracts rather than in either.
export const CIVIL_HEADER = ['逝者姓名', '身份证号码', '性别', '出生日期', '死亡日期', '火化日期', '殡仪馆', '登记时间'] as const;
