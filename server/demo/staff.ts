/**
 * The demo's people (定员): who serves each grid, community and street of the demo area, so that a
 * new user's command centre dispatches to someone and the assessment has people to assess.
 *
 * The roster follows how a street office staffs its grids: every basic grid has a full-time
 * worker (专职网格员, who takes its incidents) and a part-time one (兼职网格员, a building head or
 * volunteer); a special grid (专属网格) is led by someone of the unit it covers (its 网格长, who
 * takes its incidents) with a part-time worker; each community has a 网格长 over its basic grids
 * who also takes what is escalated to the community; each street a leader of its grid centre for
 * what is escalated there. Names come from a seeded PRNG over common surnames and given names, so
 * every first start makes the same people; no phone numbers (invented ones could be someone's).
 */
import type { StaffFields } from '../staff/input.js';
import { seededRandom } from '../geo/random.js';

export interface RosterGrid {
  code: string;
  regionCode: string;
  /** 'special' for a 专属网格; anything else is a basic grid. */
  kind: string | null;
}

export interface RosterRegion {
  code: string;
  level: string;
}

/** One person of the roster, with the role the demo's history gives them. */
export interface RosterEntry extends StaffFields {
  /** Whose incidents this person takes: a grid's code, or a region's (community, street). */
  takes: string | null;
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆汪范廖石金贾夏韦付方邹熊孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建文斌宇浩凯俊帆晨雪琳婷颖欣怡佳慧丹晶燕蕾倩慧宁波峰亮林云飞海燕';

/** The demo area's staff, in a stable order: streets, then communities, then grids. */
export function demoRoster(grids: RosterGrid[], regions: RosterRegion[], seed = 20_261_207): RosterEntry[] {
  const random = seededRandom(seed);
  const used = new Set<string>();
  const name = (): string => {
    for (;;) {
      const surname = SURNAMES[Math.floor(random() * SURNAMES.length)]!;
      const given = Array.from({ length: random() < 0.6 ? 2 : 1 }, () => GIVEN[Math.floor(random() * GIVEN.length)]!).join('');
      const full = surname + given;
      if (!used.has(full)) {
        used.add(full);
        return full;
      }
    }
  };
  const person = (duty: StaffFields['duty'], places: { regionCode?: string; gridCodes?: string[] }, takes: string | null): RosterEntry => ({
    name: name(),
    phone: null,
    duty,
    regionCode: places.regionCode ?? null,
    gridCodes: places.gridCodes ?? [],
    takes,
  });

  const roster: RosterEntry[] = [];
  for (const street of regions.filter((r) => r.level === 'township')) roster.push(person('leader', { regionCode: street.code }, street.code));
  for (const village of regions.filter((r) => r.level === 'village')) {
    const basic = grids.filter((g) => g.regionCode === village.code && g.kind !== 'special').map((g) => g.code);
    roster.push(person('leader', { regionCode: village.code, gridCodes: basic }, village.code));
  }
  for (const grid of grids) {
    if (grid.kind === 'special') {
      roster.push(person('leader', { gridCodes: [grid.code] }, grid.code));
      roster.push(person('parttime', { gridCodes: [grid.code] }, null));
    } else {
      roster.push(person('fulltime', { gridCodes: [grid.code] }, grid.code));
      roster.push(person('parttime', { gridCodes: [grid.code] }, null));
    }
  }
  return roster;
}
