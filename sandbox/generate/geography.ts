// Real Guangdong county codes and the places that appear in source records (hospitals,
// funeral homes, prisons), so that a world reads like the province's data.

export interface County {
  code: string;
  name: string;
  /** relative share of residents' pension recipients (rural counties weigh more) */
  weight: number;
}

export interface City {
  code: string;
  name: string;
  counties: County[];
  funeralHomes: string[];
  hospitals: string[];
  streets: string[];
}

export const CITIES: readonly City[] = [
  {
    code: '4401', name: '广州市',
    counties: [
      { code: '440103', name: '荔湾区', weight: 3 }, { code: '440104', name: '越秀区', weight: 2 },
      { code: '440105', name: '海珠区', weight: 3 }, { code: '440106', name: '天河区', weight: 3 },
      { code: '440111', name: '白云区', weight: 6 }, { code: '440112', name: '黄埔区', weight: 4 },
      { code: '440113', name: '番禺区', weight: 6 }, { code: '440114', name: '花都区', weight: 6 },
      { code: '440115', name: '南沙区', weight: 4 }, { code: '440117', name: '从化区', weight: 6 },
      { code: '440118', name: '增城区', weight: 7 },
    ],
    funeralHomes: ['广州市殡葬服务中心', '广州市殡葬服务中心,银河园', '广州市番禺区殡仪馆', '广州市增城区殡仪馆', '广州市从化区殡仪馆', '广州市花都区殡仪馆'],
    hospitals: ['广州市第一人民医院', '中山大学附属第一医院', '广东省人民医院', '广州市番禺区中心医院', '广州市增城区人民医院'],
    streets: ['中山路', '解放路', '环市路', '建设路', '东风路', '新华街', '沙河大街'],
  },
  {
    code: '4403', name: '深圳市',
    counties: [
      { code: '440303', name: '罗湖区', weight: 2 }, { code: '440304', name: '福田区', weight: 2 },
      { code: '440305', name: '南山区', weight: 2 }, { code: '440306', name: '宝安区', weight: 4 },
      { code: '440307', name: '龙岗区', weight: 4 }, { code: '440308', name: '盐田区', weight: 1 },
      { code: '440309', name: '龙华区', weight: 3 }, { code: '440310', name: '坪山区', weight: 2 },
    ],
    funeralHomes: ['深圳市殡仪馆', '深圳市殡仪馆,龙华分馆', '深圳市宝安区殡仪馆', '深圳市龙岗区殡仪馆'],
    hospitals: ['深圳市人民医院', '北京大学深圳医院', '深圳市宝安区人民医院', '香港大学深圳医院'],
    streets: ['人民路', '深南大道', '滨江路', '解放路', '宝安大道', '龙岗大道'],
  },
  {
    code: '4406', name: '佛山市',
    counties: [
      { code: '440604', name: '禅城区', weight: 3 }, { code: '440605', name: '南海区', weight: 6 },
      { code: '440606', name: '顺德区', weight: 6 }, { code: '440607', name: '三水区', weight: 4 },
      { code: '440608', name: '高明区', weight: 4 },
    ],
    funeralHomes: ['佛山市殡仪馆', '佛山市殡仪馆,"思亲园"', '佛山市南海区殡仪馆', '佛山市顺德区殡仪馆'],
    hospitals: ['佛山市第一人民医院', '佛山市南海区人民医院', '顺德和平外科医院'],
    streets: ['汾江路', '季华路', '桂城大道', '大良新城路', '西南大道'],
  },
  {
    code: '4413', name: '惠州市',
    counties: [
      { code: '441302', name: '惠城区', weight: 4 }, { code: '441303', name: '惠阳区', weight: 4 },
      { code: '441322', name: '博罗县', weight: 7 }, { code: '441323', name: '惠东县', weight: 7 },
      { code: '441324', name: '龙门县', weight: 4 },
    ],
    funeralHomes: ['惠州市殡仪馆', '博罗县殡仪馆', '惠东县殡仪馆'],
    hospitals: ['惠州市中心人民医院', '惠州市第一人民医院', '博罗县人民医院'],
    streets: ['江北大道', '河南岸路', '罗阳路', '平山大道'],
  },
  {
    code: '4419', name: '东莞市',
    counties: [{ code: '441900', name: '', weight: 14 }],
    funeralHomes: ['东莞市殡仪馆'],
    hospitals: ['东莞市人民医院', '东莞市松山湖中心医院', '东莞康华医院'],
    streets: ['东城中路', '莞太路', '鸿福路', '虎门大道', '常平大道'],
  },
  {
    code: '4420', name: '中山市',
    counties: [{ code: '442000', name: '', weight: 10 }],
    funeralHomes: ['中山市殡仪馆'],
    hospitals: ['中山市人民医院', '中山市中医院', '中山市小榄人民医院'],
    streets: ['孙文中路', '兴中道', '博爱路', '岐关西路'],
  },
  {
    code: '4451', name: '潮州市',
    counties: [
      { code: '445102', name: '湘桥区', weight: 4 }, { code: '445103', name: '潮安区', weight: 7 },
      { code: '445122', name: '饶平县', weight: 7 },
    ],
    funeralHomes: ['潮州市殡仪馆', '饶平县殡仪馆'],
    hospitals: ['潮州市中心医院', '潮州市人民医院', '饶平县人民医院'],
    streets: ['潮州大道', '枫春路', '新桥路', '黄冈大道'],
  },
  {
    code: '4452', name: '揭阳市',
    counties: [
      { code: '445202', name: '榕城区', weight: 5 }, { code: '445203', name: '揭东区', weight: 6 },
      { code: '445222', name: '揭西县', weight: 7 }, { code: '445224', name: '惠来县', weight: 8 },
      { code: '445281', name: '普宁市', weight: 10 },
    ],
    funeralHomes: ['揭阳市殡仪馆', '普宁市殡仪馆', '普宁市殡仪馆,流沙服务站', '惠来县殡仪馆'],
    hospitals: ['揭阳市人民医院', '普宁市人民医院', '惠来县人民医院'],
    streets: ['临江路', '进贤门大道', '流沙大道', '惠城大道'],
  },
];

export const DEFAULT_CITY_CODES: readonly string[] = CITIES.map((c) => c.code);

export function cityByCode(code: string): City {
  const city = CITIES.find((c) => c.code === code);
  if (!city) throw new RangeError(`unknown city code ${code}: known ${DEFAULT_CITY_CODES.join(', ')}`);
  return city;
}

/** County codes outside Guangdong (the ministry holds national data). */
export const OTHER_PROVINCE_COUNTIES: readonly string[] = [
  '350102', '430102', '450103', '360102', '510104', '110101', '310101', '420102', '460105', '520102',
];

/** Paying provinces (aab301) of pensions outside Guangdong. */
export const OTHER_PROVINCES: readonly string[] = ['350000', '430000', '450000', '360000', '510000', '110000', '310000', '420000', '460000'];

export const PRISONS: readonly string[] = [
  '广东省广州监狱', '广东省番禺监狱', '广东省深圳监狱', '广东省佛山监狱', '广东省惠州监狱',
  '广东省东莞监狱', '广东省揭阳监狱', '广东省女子监狱', '广东省北江监狱',
];

export const VACCINES: readonly string[] = ['流感疫苗', '肺炎球菌多糖疫苗', '新冠病毒疫苗', '带状疱疹疫苗'];

export const CHECKUP_PLACES: readonly string[] = ['社区卫生服务中心', '街道社区卫生服务站', '人民医院体检中心', '镇卫生院'];

export const TRIPS: readonly string[] = [
  'G1001 广州南-长沙南', 'D7501 深圳北-潮汕', 'G6011 广州南-深圳北', 'CZ3101 广州-北京',
  'D2335 潮汕-厦门北', 'G2901 佛山西-南宁东', 'ZH9101 深圳-上海虹桥', 'G6343 揭阳-广州南',
];

export const COUNTRIES: readonly string[] = ['加拿大', '美国', '澳大利亚', '新西兰', '马来西亚', '泰国', '英国', '新加坡'];

export const SETTLEMENTS: readonly string[] = ['门诊结算', '住院结算', '门诊特定病种结算', '异地就医直接结算'];
