"""Synthetic people and organisations: names, ID numbers, phones, addresses, codes.

Everything here is made up; every function takes the caller's `random.Random` so the
output depends on the seed only.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

# --- check characters -------------------------------------------------------------

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643: the 18th character of a 居民身份证号码."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def valid_id18(number: str) -> bool:
    return (
        len(number) == 18
        and number[:17].isdigit()
        and id_check_digit(number[:17]) == number[17].upper()
    )


CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_check_char(first17: str) -> str:
    """GB 32100: the 18th character of a 统一社会信用代码."""
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_CHARS[(31 - total % 31) % 31]


def valid_credit_code(code: str) -> bool:
    return (
        len(code) == 18
        and all(c in CREDIT_CHARS for c in code)
        and credit_check_char(code[:17]) == code[17]
    )


_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_code_check(first8: str) -> str:
    """GB 11714: the 9th character of a 组织机构代码 (embedded in the credit code)."""
    total = sum(_ORG_CHARS.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def credit_code(prefix: str, region: str, body8: str) -> str:
    """prefix: 11 (机关), 91 (企业), 92 (个体工商户); region: 6-digit 区划代码."""
    first17 = prefix + region + body8 + org_code_check(body8)
    return first17 + credit_check_char(first17)


def random_credit_code(rng: random.Random, prefix: str, region: str) -> str:
    if rng.random() < 0.6:  # since 2016 most new registrations start with MA
        body = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    return credit_code(prefix, region, body)


def luhn_complete(digits: str) -> str:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def bank_card(rng: random.Random) -> str:
    bin_ = rng.choice(["622202", "621700", "622848", "621226", "623668", "622588", "621483"])
    length = rng.choice([16, 19, 19])
    body = bin_ + "".join(rng.choice("0123456789") for _ in range(length - len(bin_) - 1))
    return luhn_complete(body)


# --- regions ------------------------------------------------------------------------

# 区划代码 -> the address prefix of a 户籍 there
REGIONS_LOCAL = {
    "350102": "福建省福州市鼓楼区",
    "350103": "福建省福州市台江区",
    "350104": "福建省福州市仓山区",
    "350105": "福建省福州市马尾区",
    "350111": "福建省福州市晋安区",
    "350112": "福建省福州市长乐区",
    "350121": "福建省闽侯县",
    "350122": "福建省连江县",
    "350123": "福建省罗源县",
    "350124": "福建省闽清县",
    "350125": "福建省永泰县",
    "350181": "福建省福清市",
}
REGIONS_AWAY = {
    "350303": "福建省莆田市涵江区",
    "350322": "福建省仙游县",
    "350521": "福建省惠安县",
    "350583": "福建省南安市",
    "350628": "福建省平和县",
    "350721": "福建省顺昌县",
    "350922": "福建省古田县",
    "352225": "福建省霞浦县",
    "360121": "江西省南昌县",
    "360502": "江西省新余市渝水区",
    "362330": "江西省鄱阳县",
    "430521": "湖南省邵东县",
    "420106": "湖北省武汉市武昌区",
    "510122": "四川省双流县",
    "511321": "四川省南部县",
    "522121": "贵州省遵义县",
    "340822": "安徽省怀宁县",
    "412726": "河南省郸城县",
    "452123": "广西壮族自治区宾阳县",
    "330327": "浙江省苍南县",
}

# district -> (streets, residential compounds, villages by town)
DISTRICTS = {
    "鼓楼区": (["五一北路", "杨桥中路", "湖东路", "东街", "铜盘路", "华林路", "五四路", "温泉路"],
             ["华林小区", "屏西小区", "铜盘新村", "东方名城", "温泉花园", "融侨花园"], {}),
    "台江区": (["八一七中路", "工业路", "江滨中大道", "五一中路", "交通路", "群众路"],
             ["南江滨花园", "万达广场公寓", "鳌峰苑", "上海新村", "宝龙城市广场公寓"], {}),
    "仓山区": (["首山路", "盖山路", "金山大道", "则徐大道", "林浦路", "对湖路"],
             ["金山碧水", "阳光城花园", "名城港湾", "万科金域", "橘园洲小区"],
             {"盖山镇": ["阳岐村", "齐安村"], "城门镇": ["城门村", "龙江村"]}),
    "晋安区": (["福新中路", "连江北路", "长乐北路", "岳峰路", "王庄街道国货东路", "鼓山路"],
             ["福新花园", "融侨锦江", "三盛果岭", "岳峰新村", "新店公寓"],
             {"新店镇": ["赤桥村", "象峰村"], "宦溪镇": ["宦溪村"]}),
    "马尾区": (["罗星东路", "江滨东大道", "君竹路", "儒江西路"],
             ["君竹花园", "名城港湾", "马尾新城"], {"琅岐镇": ["海屿村", "凤窝村"]}),
    "长乐区": (["首占路", "郑和中路", "航城大道", "吴航路"],
             ["郑和花园", "航城新村", "东湖小区"], {"潭头镇": ["二刘村", "大宏村"], "金峰镇": ["华阳村"]}),
}
COUNTIES = {
    "闽侯县": (["甘蔗街道昙石山中大道", "上街镇乌龙江大道", "南屿镇南旗路"],
            ["大学城公寓", "正荣润城", "金辉大学城"],
            {"上街镇": ["厚美村", "岐头村", "沙堤村"], "南通镇": ["苏坑村", "泽苗村"], "荆溪镇": ["关口村"]}),
    "福清市": (["清昌大道", "福唐路", "福清万达广场", "融侨经济开发区清华路"],
            ["融侨小区", "利桥新村", "玉屏花园"],
            {"龙田镇": ["东营村", "上一村"], "高山镇": ["西江村"], "江镜镇": ["南宵村"]}),
}


def street_address(rng: random.Random, district: str | None = None) -> str:
    """A full address down to the room, in Fuzhou."""
    places = {**DISTRICTS, **COUNTIES}
    district = district or rng.choice(sorted(places))
    streets, compounds, villages = places[district]
    prefix = "福建省福州市" + district if district in DISTRICTS else "福建省福州市" + district
    if villages and rng.random() < 0.3:
        town = rng.choice(sorted(villages))
        return f"{prefix}{town}{rng.choice(villages[town])}{rng.randint(1, 12)}组{rng.randint(1, 88)}号"
    form = rng.random()
    if form < 0.6:
        return (f"{prefix}{rng.choice(streets)}{rng.randint(1, 399)}号{rng.choice(compounds)}"
                f"{rng.randint(1, 30)}号楼{rng.randint(1, 28)}{rng.randint(1, 6):02d}室")
    if form < 0.85:
        return f"{prefix}{rng.choice(streets)}{rng.randint(1, 399)}号{rng.randint(1, 18)}{rng.randint(1, 8):02d}单元"
    return f"{prefix}{rng.choice(compounds)}{rng.randint(1, 20)}座{rng.randint(1, 33)}{rng.randint(1, 4):02d}"


def village_address(rng: random.Random, region_prefix: str) -> str:
    town = rng.choice(["城关镇", "新华镇", "石门乡", "白沙镇", "东山镇", "黄田乡", "龙泉镇"])
    village = rng.choice(["前进", "新民", "东升", "下洋", "后垅", "上林", "坑口", "桥头"])
    return f"{region_prefix}{town}{village}村{rng.randint(1, 15)}组{rng.randint(1, 99)}号"


def short_address(full: str) -> str:
    """The address without the province prefix, as texts often write it."""
    return full[3:] if full.startswith("福建省") else full


# --- names ---------------------------------------------------------------------------

SURNAMES = (
    "陈" * 12 + "林" * 12 + "黄" * 8 + "张" * 7 + "李" * 6 + "王" * 6 + "吴" * 5 + "刘" * 5
    + "郑" * 5 + "杨" * 3 + "蔡" * 3 + "许" * 3 + "谢" * 3 + "何" * 2 + "洪" * 2 + "邱" * 2
    + "曾" * 2 + "江" * 2 + "周" * 2 + "徐" * 2 + "翁" * 2 + "游" + "卢" + "叶" * 2 + "赖"
    + "詹" + "郭" * 2 + "魏" + "余" + "施" + "潘" + "薛" + "方" + "苏" + "高" + "庄" + "赵"
    + "孙" + "朱" + "胡" + "邓" + "肖" + "罗" + "梁" + "宋" + "唐" + "韩" + "冯" + "鄢" + "甘"
)
COMPOUND_SURNAMES = ["欧阳", "上官", "司马", "诸葛", "司徒", "东方", "皇甫", "慕容"]
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉斌鹏宇浩然志坚玉兰秋菊海燕"
    "晓红丹萍雪梅春生金水木火土婷婷丽丽嘉怡子涵梓轩欣怡雨桐俊杰子豪思远佳琪宏伟德福荣"
    "清榕闽鑫淼森垚犇堃燊玥喆琦瑶琳璐蓉莹颖霖锦坤"
)
# full names that are also ordinary words
# (real people are named 林海, 田野, 黎明; nobody is named 程序 or 洪水: a word like that drawn as a
# name made every 告知程序 of the site look like a leaked name, so they are not drawn)
WORD_NAMES = ["石磊", "田野", "江山", "高峰", "林海", "白雪", "方圆", "黎明", "常青", "夏天",
              "向阳", "金鑫", "安静", "高明", "文明", "叶子"]
FOREIGNERS = [
    # (latin name, Chinese rendering, nationality, gender, passport prefix)
    ("JOHN SMITH", "约翰·史密斯", "美国", "男", ""),
    ("MICHAEL BROWN", "迈克尔·布朗", "英国", "男", ""),
    ("NGUYEN VAN AN", "阮文安", "越南", "男", "C"),
    ("TRAN THI LAN", "陈氏兰", "越南", "女", "C"),
    ("KIM MIN JUN", "金敏俊", "韩国", "男", "M"),
    ("ANNA IVANOVA", "安娜·伊万诺娃", "俄罗斯", "女", ""),
    ("MOHAMED HASSAN", "穆罕默德·哈桑", "埃及", "男", "A"),
]
ETHNICITIES = ["汉族"] * 40 + ["畲族"] * 3 + ["回族", "满族", "苗族", "土家族", "壮族", "侗族"]
OCCUPATIONS = ["无业", "无业", "务工", "务工", "个体经营", "司机", "网约车司机", "外卖骑手", "快递员",
               "公司职员", "厨师", "保安", "农民", "装修工", "销售", "学生", "自由职业", "退休"]
EMPLOYER_STEMS = ["鑫达", "闽兴", "榕城", "海峡", "恒信", "东南", "宏远", "佳和", "永安", "华辰", "顺丰"]
EMPLOYER_KINDS = ["物流有限公司", "建筑工程有限公司", "餐饮管理有限公司", "装饰工程有限公司",
                  "电子商务有限公司", "物业管理有限公司", "汽车服务有限公司", "贸易有限公司"]


def person_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.04:
        return rng.choice(WORD_NAMES)
    surname = rng.choice(COMPOUND_SURNAMES) if r < 0.08 else rng.choice(SURNAMES)
    n = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(GIVEN_CHARS) for _ in range(n))


def given_name(name: str) -> str:
    if "·" in name or name.isascii():
        return name.split("·")[0].split(" ")[0]
    if name[:2] in COMPOUND_SURNAMES:
        return name[2:]
    return name[1:]


def company_name(rng: random.Random) -> str:
    city = rng.choice(["福州", "福建", "福州市鼓楼区", "福清市"])
    return f"{city}{rng.choice(EMPLOYER_STEMS)}{rng.choice(EMPLOYER_KINDS)}"


# --- numbers -----------------------------------------------------------------------

def birth_date_for_age(rng: random.Random, on: date, lo: int, hi: int) -> date:
    """A birth date making the person between lo and hi years old (inclusive) on `on`."""
    latest = date(on.year - lo, on.month, min(on.day, 28))
    earliest = date(on.year - hi - 1, on.month, min(on.day, 28)) + timedelta(days=1)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def id_number(rng: random.Random, region: str, born: date, male: bool, old15: bool = False) -> str:
    seq = rng.randint(0, 499) * 2 + (1 if male else 0)
    if old15:
        return f"{region}{born:%y%m%d}{seq:03d}"
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def id_number_with_x(rng: random.Random, region: str, born: date, male: bool) -> str:
    """An 18-digit number whose check character is X (tried a few sequences)."""
    for _ in range(200):
        number = id_number(rng, region, born, male)
        if number.endswith("X"):
            return number
    return number


MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                   "152", "155", "156", "158", "159", "166", "176", "177", "180", "181", "186",
                   "187", "188", "189", "191", "198", "199"]


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def formatted_mobile(rng: random.Random, number: str | None = None) -> str:
    number = number or mobile(rng)
    r = rng.random()
    if r < 0.75:
        return number
    if r < 0.87:
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    if r < 0.94:
        return f"+86 {number}"
    return f"{number[:3]} {number[3:7]} {number[7:]}"


def landline(rng: random.Random) -> str:
    return f"0591-{rng.choice('2368')}{rng.randint(0, 9999999):07d}"


def email(rng: random.Random) -> str:
    user = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 8)))
    if rng.random() < 0.5:
        user += str(rng.randint(1, 9999))
    return f"{user}@{rng.choice(['qq.com', '163.com', '126.com', 'sina.com', 'gmail.com'])}"


def qq_number(rng: random.Random) -> str:
    return str(rng.randint(10000000, 3999999999))


def wechat_id(rng: random.Random) -> str:
    stem = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 7)))
    return f"{stem}{rng.choice(['_', '', '-'])}{rng.randint(1, 99999)}"


def plate(rng: random.Random) -> str:
    city = rng.choice("AAAAAAJBCDEFGHK")
    if rng.random() < 0.3:  # new-energy plate
        return f"闽{city}{rng.choice('DF')}{rng.randint(0, 99999):05d}"
    # GA 36: five characters after the city letter, at most two of them letters, never I or O
    # (an all-letter 闽A·VQCRM is no plate); the digits come first more often than not
    tail = [rng.choice("0123456789") for _ in range(5)]
    for pos in rng.sample(range(5), rng.choice([0, 1, 1, 1, 2, 2])):
        tail[pos] = rng.choice(PLATE_LETTERS)
    return f"闽{city}·{''.join(tail)}"


PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def valid_plate(plate: str) -> bool:
    """A 闽 plate as GA 36 allows: five characters with at most two letters (no I, O), or a
    new-energy plate: D or F and five digits."""
    import re
    return bool(re.fullmatch(r"闽[A-HJ-NP-Z](?:·(?=(?:\d*[A-HJ-NP-Z]){0,2}\d*$)[A-HJ-NP-Z0-9]{5}|[DF]\d{5})", plate))


def passport(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(rng.choice("0123456789") for _ in range(9 - len(prefix)))


# --- a whole person -----------------------------------------------------------------

def person(rng: random.Random, on: date, role: str, *, minor: bool = False, full: bool = True,
           foreign: bool = False, age: tuple[int, int] = (18, 68)) -> dict:
    """A natural-person party as the export contract describes it."""
    if foreign:
        latin, zh, nationality, gender, prefix = rng.choice(FOREIGNERS)
        born = birth_date_for_age(rng, on, 20, 55)
        return {
            "role": role, "type": "person",
            "name": rng.choice([latin, zh]),
            "id_type": "护照", "id_number": passport(rng, prefix),
            "gender": gender, "birth_date": born.isoformat(),
            "nationality": nationality, "_latin": latin, "_zh": zh,
            "address": street_address(rng), "phone": formatted_mobile(rng),
        }
    male = rng.random() < (0.78 if role == "offender" else 0.5)
    born = birth_date_for_age(rng, on, 14, 17) if minor else birth_date_for_age(rng, on, *age)
    local = rng.random() < 0.55
    region = rng.choice(sorted(REGIONS_LOCAL if local else REGIONS_AWAY))
    region_name = (REGIONS_LOCAL if local else REGIONS_AWAY)[region]
    r = rng.random()
    if r < 0.04 and born.year < 1980:
        number = id_number(rng, region, born, male, old15=True)
    elif r < 0.12:
        number = id_number_with_x(rng, region, born, male)
    else:
        number = id_number(rng, region, born, male)
    party = {"role": role, "type": "person", "name": person_name(rng)}
    if not full:
        if rng.random() < 0.5:
            party["phone"] = formatted_mobile(rng)
        return party
    if local or rng.random() < 0.5:  # lives in Fuzhou
        address = street_address(rng)
    else:
        address = village_address(rng, region_name)
    party.update({
        "id_type": "居民身份证", "id_number": number,
        "gender": "男" if male else "女", "birth_date": born.isoformat(),
        "ethnicity": rng.choice(ETHNICITIES),
        "occupation": "学生" if minor else rng.choice(OCCUPATIONS),
    })
    if minor:
        party["employer"] = f"福州第{rng.randint(1, 40)}中学" if rng.random() < 0.7 else None
    elif party["occupation"] in ("公司职员", "司机", "保安", "厨师", "销售", "快递员") or rng.random() < 0.1:
        party["employer"] = company_name(rng)
    if party.get("employer") is None:
        party.pop("employer", None)
    party["_household"] = region_name  # 户籍所在地, for the text only (keys with _ are dropped)
    party["address"] = address
    party["phone"] = formatted_mobile(rng)
    if rng.random() < 0.06:
        party["email"] = email(rng)
    if minor:
        party["minor"] = True
    return party
