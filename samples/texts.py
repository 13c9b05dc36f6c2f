"""Decision texts: 行政处罚决定书 and 行政复议决定书, as plain text, light Markdown or editor HTML."""
from __future__ import annotations

import random
from datetime import date

from . import people
from .organs import PLACES, VENUES, Organ

CN_DIGITS = "〇一二三四五六七八九"


def cn_int(n: int) -> str:
    """Chinese numerals for counts and amounts up to 99999999 (五百, 一千五百, 十五)."""
    if n == 0:
        return "零"
    units = ["", "十", "百", "千"]
    out = ""

    def four(x: int) -> str:
        s, zero = "", False
        for i in range(3, -1, -1):
            d = x // 10 ** i % 10
            if d:
                if zero and s:
                    s += "零"
                s += CN_DIGITS[d] + units[i]
                zero = False
            else:
                zero = True
        return s

    hi, lo = divmod(n, 10000)
    if hi:
        out = four(hi) + "万"
        if lo and lo < 1000:
            out += "零"
    out += four(lo)
    if out.startswith("一十"):
        out = out[1:]
    return out


def cn_date(d: date) -> str:
    """二〇二六年三月六日"""
    return "".join(CN_DIGITS[int(c)] for c in str(d.year)) + f"年{cn_int(d.month)}月{cn_int(d.day)}日"


def ymd(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def amount_text(rng: random.Random, amount: int) -> str:
    return f"{cn_int(amount)}元" if rng.random() < 0.6 else f"{amount}元"


def penalty_text(rng: random.Random, penalties: list[dict]) -> str:
    parts = []
    for p in penalties:
        t = p["type"]
        if t == "warning":
            parts.append("警告")
        elif t == "fine":
            parts.append("罚款" + amount_text(rng, p["amount"]))
        elif t == "detention":
            parts.append(f"行政拘留{cn_int(p['days'])}日")
        elif t == "confiscation":
            parts.append("没收" + p["item"])
        elif t == "suspension":
            parts.append(f"暂扣{p['item']}{cn_int(p['days'] // 30)}个月")
        elif t == "revocation":
            parts.append("吊销" + p["item"])
        elif t == "closure":
            parts.append(p["item"])
        else:
            parts.append(p.get("item") or "其他处罚")
    if len(parts) == 1:
        return parts[0]
    return parts[0] + "，并处" + "，".join(parts[1:])


class Ctx:
    """What a facts template may draw on; records the people it names."""

    def __init__(self, rng: random.Random, organ: Organ, offender_name: str, when_date: date,
                 given: bool = True):
        self.rng = rng
        self.O = offender_name
        first = people.given_name(offender_name)
        self.G = first if given and len(first) >= 2 and rng.random() < 0.35 else offender_name
        hour = rng.choice([0, 1, 2, 9, 10, 11, 14, 15, 16, 19, 20, 21, 22, 23])
        self.when = f"{ymd(when_date)}{hour}时许"
        district = organ.district if organ.district in PLACES else "鼓楼区"
        if rng.random() < 0.65:
            self.place = f"{organ.district if organ.district in PLACES else ''}{rng.choice(PLACES[district])}"
        else:
            street = people.street_address(rng, district if district in people.DISTRICTS
                                           or district in people.COUNTIES else None)
            cut = street.find("号")
            self.place = people.short_address(street[:cut + 1] if cut > 0 else street)
        street = people.street_address(rng)
        cut = street.find("号")
        self.venue = f"{people.short_address(street[:cut + 1] if cut > 0 else street)}的{rng.choice(VENUES)}"
        self.addr = people.short_address(people.street_address(rng))
        self.road = rng.choice(["五四路与东街交叉路口", "二环路洪山桥", "福飞南路", "三环快速路仓山段",
                                "工业路宝龙路口", "福马路", "国道G324线福清段", "永南高速长乐出口"])
        self.plate = people.plate(rng)
        self.card = people.bank_card(rng)
        self.wx = people.wechat_id(rng)
        self.qq = people.qq_number(rng)
        self.phone = people.mobile(rng)
        self.victims: list[str] = []
        self.witnesses: list[str] = []
        self.others: list[str] = []

    def pick(self, options):
        return self.rng.choice(options)

    def victim(self) -> str:
        if not self.victims:
            self.victims.append(people.person_name(self.rng))
        return self.victims[0]

    def witness(self) -> str:
        name = people.person_name(self.rng)
        self.witnesses.append(name)
        return name

    def other(self) -> str:
        name = people.person_name(self.rng)
        self.others.append(name)
        return name

    def rel_sentence(self, v: str) -> str:
        r = self.rng.random()
        if r < 0.3:
            return f"{v}之父{self.other()}拨打110报警。"
        if r < 0.5:
            return f"其妻{self.other()}（电话{people.formatted_mobile(self.rng)}）到场后将{v}送医。"
        if r < 0.7:  # people named with no cue word at all
            a, b = self.other(), self.other()
            return f"事后{a}与{b}发生争执，经民警调解后离开。"
        return ""


def person_header(rng: random.Random, p: dict, label: str = "违法行为人") -> str:
    if p.get("id_type") == "护照":
        return (f"{label}{p['_zh']}（{p['_latin']}），{p['gender']}，{ymd(date.fromisoformat(p['birth_date']))}出生，"
                f"国籍{p['nationality']}，护照号码{p['id_number']}，在华住址{people.short_address(p['address'])}，"
                f"联系电话{p['phone']}。")
    born = date.fromisoformat(p["birth_date"])
    birth = ymd(born) if rng.random() < 0.7 else f"{born:%Y年%m月%d日}"
    s = f"{label}{p['name']}，{'性别' if rng.random() < 0.4 else ''}{p['gender']}，{birth}出生，{p['ethnicity']}，"
    s += (f"身份证件种类及号码：居民身份证 {p['id_number']}，" if rng.random() < 0.5
          else f"公民身份号码{p['id_number']}，")
    s += f"户籍所在地{p['_household']}，现住{people.short_address(p['address'])}"
    if p.get("employer"):
        s += f"，工作单位{p['employer']}"
    if p.get("occupation"):
        s += f"，职业{p['occupation']}"
    s += f"，联系电话{p['phone']}"
    if p.get("email"):
        s += f"，电子邮箱{p['email']}"
    return s + "。"


def org_header(rng: random.Random, o: dict, rep: dict) -> list[str]:
    lines = []
    if o["type"] == "sole_proprietor":
        lines.append(f"被处罚单位：{o['name']}（个体工商户），统一社会信用代码{o['credit_code']}，"
                     f"经营场所{people.short_address(o['address'])}，联系电话{o['phone']}。")
        lines.append(person_header(rng, rep, "经营者："))
    else:
        lines.append(f"被处罚单位：{o['name']}，统一社会信用代码{o['credit_code']}，"
                     f"住所{people.short_address(o['address'])}，联系电话{o['phone']}。")
        lines.append(person_header(rng, rep, "法定代表人："))
    return lines


def execution(rng: random.Random, name: str, penalties: list[dict], minor_under16: bool) -> list[str]:
    out = []
    if any(p["type"] == "fine" for p in penalties):
        out.append(f"被处罚人{name}应当自收到本决定书之日起十五日内，到指定银行或者通过电子支付系统缴纳罚款。"
                   "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。")
    if any(p["type"] == "detention" for p in penalties):
        if minor_under16:
            out.append(f"因违法行为人{name}已满十四周岁不满十六周岁，依据《中华人民共和国治安管理处罚法》"
                       "第二十一条第一项之规定，行政拘留处罚决定不执行。")
        else:
            out.append(f"行政拘留处罚由{rng.choice(['福州市拘留所', '福州市第二拘留所', '福清市拘留所'])}执行。")
    return out


def rights(organ: Organ, rng: random.Random) -> str:
    court = organ.court if rng.random() < 0.6 else "人民法院"
    return (f"如不服本决定，可以在收到本决定书之日起六十日内向{organ.government}申请行政复议，"
            f"或者在六个月内依法向{court}提起行政诉讼。")


def render(rng: random.Random, paragraphs: list[str], style: str, name: str) -> str:
    """Join paragraphs as plain text, light Markdown or editor HTML."""
    title, rest = paragraphs[:3], paragraphs[3:]
    if style == "markdown":
        body = [f"**{title[0]}**", f"**{title[1]}**", title[2]]
        for p in rest:
            if p.startswith(("违法行为人", "被处罚单位：", "申请人", "被申请人")):
                head, _, tail = p.partition("：") if "：" in p[:8] else (p[:5], "", p[5:])
                body.append(f"**{head}**{'：' if _ else ''}{tail}")
            else:
                body.append(p)
        text = "\n\n".join(body)
        return text.replace("现查明", "**现查明**", 1)
    if style == "html":
        span = rng.choice(['<span style="font-family:仿宋_GB2312;font-size:16pt;">',
                           '<span style="font-size:16px;line-height:1.8">'])
        out = [f'<p style="text-align:center"><strong>{t}</strong></p>' for t in title[:2]]
        out.append(f'<p style="text-align:center">{title[2]}</p>')
        entity_done = False
        for i, p in enumerate(rest):
            if not entity_done and name and len(name) >= 2 and name in p and not name.isascii():
                ch = name[1]
                p = p.replace(name, name[0] + f"&#{ord(ch)};" + name[2:], 1)
                entity_done = True
            if i == len(rest) - 2:
                out.append(f"<p>{p}<br>")
                continue
            if i == len(rest) - 1:
                out[-1] += f"{p}</p>"
                continue
            if rng.random() < 0.3:
                out.append(f"<p>{span}{p}</span></p>")
            else:
                out.append(f"<p>&nbsp;&nbsp;{p}</p>")
        r = rng.random()
        if r < 0.25:
            out.append("<script>alert(1)</script>")
        elif r < 0.45:
            out[3] = out[3].replace("<p>", '<p onclick="alert(document.cookie)">', 1)
        return "\n".join(out)
    indent = "　　" if rng.random() < 0.4 else ""
    return "\n".join(title + [indent + p for p in rest])
