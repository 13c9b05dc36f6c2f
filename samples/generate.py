"""Orchestration: build the penalty, reconsideration and progress records of one sample export."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from . import people
from .offences import OFFENCES, Offence
from .organs import ORGANS, Organ
from .texts import Ctx, cn_date, execution, org_header, penalty_text, person_header, render, rights, ymd

START = date(2025, 1, 1)
TZ = timezone(timedelta(hours=8))
QUERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L

STATUS_REASONS = {
    "revoked": "经本机关复查，原处罚决定认定事实不清、证据不足，依法予以撤销。",
    "altered": "经本机关复查，原处罚决定适用依据错误，依法变更处罚内容。",
    "withdrawn": "原处罚决定文书送达程序存在瑕疵，本机关依法撤回并重新作出决定。",
    "confirmed_illegal": "经行政诉讼，人民法院判决确认该处罚决定程序违法。",
    "invalid": "经行政复议，该处罚决定被确认无效。",
}


def _days(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def _stamp(rng: random.Random, day: date, lo_hour: int = 1, hi_hour: int = 23) -> str:
    t = time(rng.randint(lo_hour, hi_hour), rng.randint(0, 59), rng.randint(0, 59))
    return datetime.combine(day, t, TZ).isoformat()


def _exported_at(rng: random.Random, last: date, today: date) -> str:
    return _stamp(rng, _days(rng, last, min(today, last + timedelta(days=10))))


def _pick_offence(rng: random.Random, organ: Organ, *, summary: bool, minor: bool) -> Offence:
    pool = [o for o in OFFENCES if o.traffic == (organ.category == "交")]
    if summary:
        pool = [o for o in pool if o.summary_ok] or pool
    if minor:
        pool = [o for o in pool if o.minor_ok] or pool
    return rng.choices(pool, weights=[o.weight for o in pool])[0]


ORG_KINDS = {"旅馆业不按规定登记住宿旅客信息": "酒店管理有限公司", "保安从业单位违规招用保安员": "保安服务有限公司",
             "不履行网络安全保护义务": "网络科技有限公司"}


def _organisation(rng: random.Random, kind: str, organ: Organ, on: date, offence: Offence) -> tuple[dict, dict]:
    rep = people.person(rng, on, "legal_representative", age=(28, 65))
    region = organ.region if organ.region != "350100" else "350102"
    if kind == "sole_proprietor":
        name = f"{organ.district if organ.district != '福清市' else '福清市'}{rng.choice(['阿' + rep['name'][0], rep['name'][1:] or '顺发', '悦来', '如家', '安心', '温馨'])}" \
               f"{rng.choice(['家庭旅馆', '宾馆', '客栈', '公寓酒店'])}"
        if not name.startswith("福"):
            name = "福州市" + name
        code = people.random_credit_code(rng, "92", region)
    else:
        name = people.company_name(rng)
        if offence.name in ORG_KINDS:
            stem = next(k for k in people.EMPLOYER_KINDS if name.endswith(k))
            name = name[: -len(stem)] + ORG_KINDS[offence.name]
        code = people.random_credit_code(rng, "91", region)
    org = {
        "role": "offender", "type": kind, "name": name, "credit_code": code,
        "legal_representative": rep["name"],
        "address": people.street_address(rng, organ.district if organ.district in people.DISTRICTS
                                          or organ.district in people.COUNTIES else None),
        "phone": people.landline(rng) if rng.random() < 0.6 else people.formatted_mobile(rng),
    }
    return org, rep


def _penalty(rng: random.Random, organ: Organ, decided: date, today: date, number: int, pid: str,
             case_seq: dict) -> tuple[dict, dict]:
    """One penalty record and the private details later stages of the generator need."""
    summary = rng.random() < 0.08
    minor = not summary and organ.category != "交" and rng.random() < 0.04
    offence = _pick_offence(rng, organ, summary=summary, minor=minor)
    if "person" not in offence.offenders:
        minor = False
    event_day = decided if summary else decided - timedelta(days=rng.randint(2, 45))
    kind = rng.choice(offence.offenders)
    rep = None
    if kind in ("organization", "sole_proprietor"):
        offender, rep = _organisation(rng, kind, organ, decided, offence)
        display = offender["name"]
    else:
        offender = people.person(rng, decided, "offender", minor=minor, foreign=(kind == "foreign"))
        display = offender.get("_zh", offender["name"])
    ctx = Ctx(rng, organ, display, event_day, given=kind == "person")
    facts = offence.facts(ctx)

    penalties = offence.penalties(rng)
    if summary:
        penalties = [rng.choice([{"type": "warning"}, {"type": "fine", "amount": rng.choice([50, 100, 200])}])]

    under16 = False
    guardian_line = None
    if minor:
        born = date.fromisoformat(offender["birth_date"])
        age = decided.year - born.year - ((decided.month, decided.day) < (born.month, born.day))
        under16 = age < 16
        guardian = people.person(rng, decided, "third_party", age=(34, 55))
        rel = rng.choice(["之父", "之母", "的母亲", "的父亲"])
        guardian_line = (f"法定监护人：{guardian['name']}（系{display}{rel}），公民身份号码{guardian['id_number']}，"
                         f"联系电话{guardian['phone']}。")

    cat = "交" if organ.category == "交" else "治"
    decision_no = f"{organ.abbr}（{cat}）行罚决字〔{decided.year}〕{number}号"
    if summary:
        decision_no = f"{organ.abbr}（{cat}）当罚决字〔{decided.year}〕{number}号"
    case_no = None
    if not summary:
        key = (organ.short, event_day.year, event_day.month)
        case_seq[key] = case_seq.get(key, rng.randint(0, 30)) + rng.randint(1, 4)
        case_no = f"A{organ.unit_code}{event_day:%Y%m}{case_seq[key]:04d}"

    paras = [organ.name, "当场处罚决定书" if summary else "行政处罚决定书", decision_no]
    if rep is not None:
        paras += org_header(rng, offender, rep)
    else:
        paras.append(person_header(rng, offender))
        if guardian_line:
            paras.append(guardian_line)
    paras.append(f"现查明：{facts}")
    paras.append(f"以上事实有{offence.evidence}等证据证实。")
    if not summary:
        if rng.random() < 0.7:
            paras.append("本机关已依法告知违法行为人拟作出行政处罚决定的事实、理由及依据，并告知其依法享有陈述和申辩的权利，"
                         f"{rng.choice(['违法行为人未提出陈述和申辩。', '违法行为人提出了陈述和申辩，经复核，其理由不成立，不予采纳。'])}")
    who = display
    paras.append(f"根据{'、'.join(offence.basis)}之规定，现决定对{who}{'给予' if summary else '处以'}"
                 f"{penalty_text(rng, penalties)}。")
    paras += execution(rng, who, penalties, under16)
    paras.append(rights(organ, rng))
    if summary and rng.random() < 0.6:
        paras.append(f"处罚地点：{ctx.place}。办案民警：{people.person_name(rng)}（警号{rng.randint(10000, 99999):06d}）。")
    paras += [organ.name, cn_date(decided) if rng.random() < 0.7 else ymd(decided)]

    r = rng.random()
    style = "html" if r < 0.05 else "markdown" if r < 0.15 else "plain"
    text = render(rng, paras, style, display if kind != "foreign" else "")

    parties = [offender]
    if rep is not None and rng.random() < 0.5:
        parties.append({**rep, "role": "legal_representative"})
    if ctx.victims and rng.random() < 0.3:
        v = {"role": "victim", "type": "person", "name": ctx.victims[0], "phone": people.formatted_mobile(rng)}
        if rng.random() < 0.5:
            full = people.person(rng, decided, "victim")
            v.update({k: full[k] for k in ("id_type", "id_number", "gender", "address")})
        parties.append(v)
    if ctx.witnesses and rng.random() < 0.2:
        parties.append({"role": "witness", "type": "person", "name": ctx.witnesses[0],
                        "phone": people.formatted_mobile(rng)})

    rec = {"kind": "penalty", "id": pid, "decision_no": decision_no}
    if case_no:
        rec["case_no"] = case_no
    rec.update({"authority": organ.name, "authority_code": organ.code})
    if summary:
        rec["procedure"] = "summary"
    elif rng.random() < 0.3:
        rec["procedure"] = "general"
    rec["decided_on"] = decided.isoformat()
    served = decided if summary else decided + timedelta(days=rng.choice([0, 0, 0, 1, 2, 3, 5]))
    if served <= today and rng.random() < 0.9:
        rec["served_on"] = served.isoformat()
    rec.update({"offence": offence.name, "legal_basis": list(offence.basis), "penalties": penalties,
                "parties": parties, "text": text})
    if rng.random() < 0.04:
        status = rng.choice(sorted(STATUS_REASONS))
        rec["status"] = status
        rec["status_reason"] = STATUS_REASONS[status]
        rec["status_changed_on"] = min(today, decided + timedelta(days=rng.randint(15, 120))).isoformat()
    elif rng.random() < 0.2:
        rec["status"] = "effective"
    if rng.random() < 0.35:
        rec["publicity_until"] = (decided + timedelta(days=rng.choice([180, 365, 365, 730, 1095]))).isoformat()
    private = {"organ": organ, "display": display, "offender": offender, "rep": rep, "ctx": ctx,
               "event_day": event_day, "summary": summary, "offence": offence}
    return rec, private


# --- reconsiderations -------------------------------------------------------------------

RECON_ARTICLES = {
    "upheld": ("第六十八条", "维持被申请人作出的{no}行政处罚决定。"),
    "revoked": ("第六十四条第一款", "撤销被申请人作出的{no}行政处罚决定。"),
    "altered": ("第六十三条第一款", "变更被申请人作出的{no}行政处罚决定，对申请人的处罚变更为罚款二百元。"),
    "confirmed_illegal": ("第六十五条第一款", "确认被申请人作出的{no}行政处罚决定违法。"),
    "confirmed_invalid": ("第六十七条", "确认被申请人作出的{no}行政处罚决定无效。"),
    "ordered_to_perform": ("第六十六条", "责令被申请人在收到本决定书之日起三十日内依法履行对申请人举报事项的调查处理职责。"),
    "dismissed": ("第六十九条", "驳回申请人的行政复议请求。"),
}
REASONING = {
    "upheld": "被申请人作出的行政处罚决定认定事实清楚，证据确凿，适用依据正确，程序合法，内容适当。",
    "revoked": "被申请人作出的行政处罚决定主要事实不清、证据不足，依法应予撤销。",
    "altered": "被申请人作出的行政处罚决定认定事实清楚，但处罚内容明显不当，依法应予变更。",
    "confirmed_illegal": "被申请人未依法告知申请人陈述、申辩的权利，程序违法，但撤销该决定将会给社会公共利益造成重大损害，依法确认违法。",
    "confirmed_invalid": "被申请人作出的行政处罚决定没有依据，属于重大且明显违法情形，依法应确认无效。",
    "ordered_to_perform": "申请人向被申请人举报后，被申请人未在法定期限内作出处理，属于不履行法定职责。",
    "dismissed": "申请人的复议请求缺乏事实和法律依据，本机关不予支持。",
}
GOV_ABBR = {"福州市人民政府": "榕政", "福清市人民政府": "融政", "闽侯县人民政府": "侯政"}
STATUS_FOR_OUTCOME = {"revoked": "revoked", "altered": "altered", "confirmed_illegal": "confirmed_illegal",
                      "confirmed_invalid": "invalid"}


def _outcomes(rng: random.Random, n: int) -> list[str]:
    base = ["upheld", "revoked", "altered", "confirmed_illegal", "confirmed_invalid",
            "ordered_to_perform", "dismissed"]
    rest = []
    for _ in range(max(0, n - len(base))):
        if rng.random() < 0.28:
            rest.append(rng.choice(["revoked", "altered", "confirmed_illegal"]))
        else:
            rest.append(rng.choice(["upheld", "upheld", "upheld", "dismissed", "dismissed", "ordered_to_perform"]))
    out = base[:n] + rest
    rng.shuffle(out)
    return out


def _reconsideration(rng: random.Random, pen: dict, priv: dict, outcome: str, decided: date, number: int,
                     rid: str) -> dict:
    organ: Organ = priv["organ"]
    gov = organ.government
    no = f"{GOV_ABBR[gov]}复决字〔{decided.year}〕{number}号"
    applicant = {**priv["offender"], "role": "applicant"}
    parties = [applicant]
    paras = [gov, "行政复议决定书", no]
    if priv["rep"] is not None:
        paras.append(f"申请人：{applicant['name']}，统一社会信用代码{applicant['credit_code']}，"
                     f"住所{people.short_address(applicant['address'])}。")
        paras.append(person_header(rng, priv["rep"], "法定代表人："))
    else:
        paras.append(person_header(rng, priv["offender"], "申请人："))
    if rng.random() < 0.5:
        agent = {"role": "agent", "type": "person", "name": people.person_name(rng),
                 "employer": f"福建{rng.choice(['闽天', '至理', '融成', '建达', '君立'])}律师事务所",
                 "occupation": "律师", "phone": people.formatted_mobile(rng)}
        parties.append(agent)
        paras.append(f"委托代理人：{agent['name']}，{agent['employer']}律师，联系电话{agent['phone']}。")
    paras.append(f"被申请人：{organ.name}，住所{people.short_address(people.street_address(rng, organ.district if organ.district in people.DISTRICTS or organ.district in people.COUNTIES else None))}。")
    paras.append(f"法定代表人：{people.person_name(rng)}，职务：局长。")
    victims = priv["ctx"].victims
    if victims and rng.random() < 0.5:
        third = {"role": "third_party", "type": "person", "name": victims[0], "phone": people.formatted_mobile(rng)}
        parties.append(third)
        paras.append(f"第三人：{third['name']}，联系电话{third['phone']}。")
    served = date.fromisoformat(pen.get("served_on", pen["decided_on"]))
    applied = served + timedelta(days=rng.randint(5, 55))
    applied = min(applied, decided - timedelta(days=5))
    display = priv["display"]
    paras.append(f"申请人{display}不服被申请人于{ymd(date.fromisoformat(pen['decided_on']))}作出的"
                 f"《行政处罚决定书》（{pen['decision_no']}），于{ymd(applied)}向本机关申请行政复议，"
                 "本机关依法已予受理。本案现已审理终结。")
    paras.append(f"申请人请求：撤销被申请人作出的{pen['decision_no']}行政处罚决定。")
    paras.append("申请人称：" + rng.choice([
        f"事发时系对方先动手，申请人属于正当防卫，{priv['ctx'].victims[0] if victims else '对方'}的陈述与事实不符。",
        "被申请人认定事实错误，申请人当时并不在现场，有同事可以证明。",
        "被申请人未告知申请人陈述申辩的权利，程序违法；处罚明显过重。",
        "申请人家中有年迈父母需要照顾，处罚过重，请求从轻处理。",
    ]))
    paras.append("被申请人称：" + rng.choice([
        "申请人的违法事实有证人证言、视听资料等证据证实，处罚决定事实清楚、程序合法，请求予以维持。",
        "被申请人依法履行了告知程序，申请人的主张没有事实依据。",
    ]))
    paras.append(f"经审理查明：{priv['ctx'].when}，{display}" + rng.choice([
        "与他人发生纠纷。被申请人接报后进行了调查，并作出了上述处罚决定。",
        "的行为被民警查获。被申请人经调查后作出了上述处罚决定，并于当日送达。",
    ]))
    paras.append("本机关认为：" + REASONING[outcome])
    article, decision = RECON_ARTICLES[outcome]
    paras.append(f"根据《中华人民共和国行政复议法》{article}之规定，本机关决定如下：")
    paras.append(decision.format(no=pen["decision_no"]))
    paras.append("申请人如不服本决定，可以自收到本决定书之日起十五日内，依法向人民法院提起行政诉讼。")
    paras += [gov, cn_date(decided)]
    r = rng.random()
    style = "html" if r < 0.07 else "markdown" if r < 0.2 else "plain"
    text = render(rng, paras, style, display if priv["offender"].get("id_type") != "护照" else "")
    rec = {"kind": "reconsideration", "id": rid, "decision_no": no, "decided_on": decided.isoformat(),
           "organ": gov, "respondent": organ.name, "original_decision_no": pen["decision_no"],
           "outcome": outcome, "parties": parties, "text": text, "status": "effective"}
    if rng.random() < 0.3:
        rec["publicity_until"] = (decided + timedelta(days=365)).isoformat()
    return rec


# --- progress ------------------------------------------------------------------------------

STATIONS = {
    "gulou": ["东街派出所", "南街派出所", "温泉派出所", "鼓东派出所"],
    "taijiang": ["新港派出所", "茶亭派出所", "苍霞派出所"],
    "cangshan": ["上渡派出所", "城门派出所", "盖山派出所", "金山派出所"],
    "jinan": ["王庄派出所", "茶园派出所", "新店派出所"],
    "mawei": ["罗星派出所", "琅岐派出所"],
    "changle": ["吴航派出所", "潭头派出所"],
    "fuqing": ["玉屏派出所", "龙田派出所", "江镜派出所"],
    "minhou": ["甘蔗派出所", "上街派出所", "南屿派出所"],
}
ADMIN_PATHS = [
    ["received", "accepted", "investigating", "notified", "decided", "served", "executed", "closed"],
    ["received", "not_accepted"],
    ["received", "accepted", "investigating"],
    ["received", "accepted", "investigating", "transferred"],
    ["received", "accepted", "investigating", "notified"],
]
CRIMINAL_PATHS = [
    ["received", "accepted", "filed", "investigating", "transferred", "closed"],
    ["received", "accepted", "not_filed"],
    ["received", "accepted", "filed", "investigating", "dropped"],
    ["received", "accepted", "filed", "investigating"],
    ["received", "accepted", "transferred"],
]


def _note(rng: random.Random, stage: str, organ: Organ, pen: dict | None, priv: dict | None) -> str | None:
    name = priv["display"] if priv else people.person_name(rng)
    reporter = people.person_name(rng)
    phone = people.formatted_mobile(rng)
    notes = {
        "received": [f"接报警人{reporter}（电话{phone}）报警称其在{rng.choice(['小区楼下', '菜市场', '公交站'])}与他人发生纠纷",
                     f"{reporter}来所报案称其停放在楼下的电动自行车被盗", "接110指令", None],
        "accepted": [f"已受案，受案回执已交{reporter}", "已受案", None],
        "not_accepted": ["经审查，属于民事纠纷，不属于公安机关职责范围，已告知当事人依法向人民法院起诉"],
        "filed": ["已立案侦查", None],
        "not_filed": [f"经审查，没有犯罪事实，决定不予立案，已书面告知报案人{reporter}"],
        "investigating": [f"已调取现场监控，询问证人{people.person_name(rng)}",
                          f"违法嫌疑人{name}已到案接受调查" if not (priv and priv["rep"]) else f"已对{name}开展现场检查",
                          "正在调查取证", None],
        "notified": [f"已向{name}告知拟作出行政处罚的事实、理由及依据", None],
        "decided": [f"已作出行政处罚决定（{pen['decision_no']}）" if pen else "已作出处理决定"],
        "served": [f"决定书已送达{name}", "决定书已当场送达", None],
        "executed": (["已送拘留所执行"] if pen and any(p["type"] == "detention" for p in pen["penalties"])
                     else ["罚款已缴纳"] if pen and any(p["type"] == "fine" for p in pen["penalties"])
                     else ["处罚已执行完毕", None]),
        "transferred": [f"已移送{organ.district}人民检察院审查起诉", "已移送市场监督管理部门处理",
                        f"已移送{organ.government.replace('人民政府', '')}应急管理局处理"],
        "closed": ["已结案", None],
        "dropped": ["经侦查，发现不应对犯罪嫌疑人追究刑事责任，已撤销案件"],
    }
    return rng.choice(notes[stage])


def _progress(rng: random.Random, today: date, organ: Organ, case_no: str, pen: dict | None, priv: dict | None,
              codes: set, start: date | None = None) -> dict:
    if pen is not None:
        case_type = "administrative"
        full = ADMIN_PATHS[0]
        n = rng.randint(5, 7)
        stages = full[:n]
        start = priv["event_day"]
    else:
        case_type = "criminal" if rng.random() < 0.4 else "administrative"
        stages = rng.choice(CRIMINAL_PATHS if case_type == "criminal" else ADMIN_PATHS[1:])
        start = start or today - timedelta(days=rng.randint(3, 300))
    at = datetime.combine(start, time(rng.randint(0, 23), rng.randint(0, 59)), TZ)
    end = datetime.combine(today, time(23, 59), TZ)
    events = []
    for stage in stages:
        if pen is not None and stage == "decided":
            at = max(at, datetime.combine(date.fromisoformat(pen["decided_on"]), time(rng.randint(9, 17), rng.randint(0, 59)), TZ))
        if at > end:
            break
        ev = {"at": at.isoformat(), "stage": stage}
        note = _note(rng, stage, organ, pen, priv)
        if note:
            ev["note"] = note
        events.append(ev)
        at += timedelta(hours=rng.choice([1, 2, 5, 20, 26, 50, 75, 120]), minutes=rng.randint(0, 59))
    if len(events) < 2:  # keep the record plausible: at least received and one step
        first = datetime.fromisoformat(events[0]["at"]) if events else end - timedelta(hours=3)
        events = [{"at": first.isoformat(), "stage": "received"},
                  {"at": min(end, first + timedelta(hours=1)).isoformat(), "stage": "accepted"}]
    while True:
        code = "".join(rng.choice(QUERY_ALPHABET) for _ in range(8))
        if code not in codes:
            codes.add(code)
            break
    authority = organ.name
    phone = organ.phone
    if organ.short in STATIONS and rng.random() < 0.35:
        authority += rng.choice(STATIONS[organ.short])
        phone = people.landline(rng)
    rec = {"kind": "progress", "case_no": case_no, "query_code": code, "case_type": case_type,
           "authority": authority}
    if rng.random() < 0.9:
        rec["contact_phone"] = phone
    rec["events"] = events
    last = datetime.fromisoformat(events[-1]["at"]).date()
    rec["exported_at"] = _exported_at(rng, last, today)
    return rec


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def generate(count: int, seed: int = 1, today: date = date(2026, 11, 25)) -> list[dict]:
    """The records of one sample export: `count` penalties, then reconsiderations, then progress."""
    rng = random.Random(seed)
    organs = rng.choices(ORGANS, weights=[o.weight for o in ORGANS], k=count)
    days = sorted(_days(rng, START, today) for _ in range(count))
    numbers: dict = {}
    ids: dict = {}
    case_seq: dict = {}
    penalties, privates = [], []
    for organ, day in zip(organs, days):
        numbers[(organ.short, day.year)] = n = numbers.get((organ.short, day.year), 0) + 1
        ids[day.year] = k = ids.get(day.year, 0) + 1
        rec, priv = _penalty(rng, organ, day, today, n, f"PEN-{day.year}-{k:06d}", case_seq)
        penalties.append(rec)
        privates.append(priv)

    # reconsiderations of real penalties
    recons = []
    if count:
        n_rec = max(7, round(count * 0.05))
        eligible = [i for i, p in enumerate(penalties)
                    if not privates[i]["summary"] and p.get("status", "effective") == "effective"
                    and date.fromisoformat(p["decided_on"]) <= today - timedelta(days=75)]
        eligible = eligible or list(range(count))
        chosen = rng.sample(eligible, n_rec) if len(eligible) >= n_rec else [rng.choice(eligible) for _ in range(n_rec)]
        plan = []
        for idx, outcome in zip(chosen, _outcomes(rng, n_rec)):
            pen_day = date.fromisoformat(penalties[idx]["decided_on"])
            plan.append((min(today, pen_day + timedelta(days=rng.randint(45, 75))), idx, outcome))
        plan.sort(key=lambda t: (t[0], t[1]))
        rnumbers: dict = {}
        rids: dict = {}
        for day, idx, outcome in plan:
            gov = privates[idx]["organ"].government
            rnumbers[(gov, day.year)] = n = rnumbers.get((gov, day.year), rng.randint(3, 20)) + rng.randint(1, 6)
            rids[day.year] = k = rids.get(day.year, 0) + 1
            rec = _reconsideration(rng, penalties[idx], privates[idx], outcome, day, n, f"REC-{day.year}-{k:06d}")
            recons.append(rec)
            pen = penalties[idx]
            if outcome in STATUS_FOR_OUTCOME and rng.random() < 0.5 and pen.get("status", "effective") == "effective":
                pen["status"] = STATUS_FOR_OUTCOME[outcome]
                pen["status_reason"] = f"经{rec['organ']}行政复议（{rec['decision_no']}），{REASONING[outcome]}"
                pen["status_changed_on"] = rec["decided_on"]
                keys = list(pen)
                order = keys[:keys.index("text") + 1] + ["status", "status_reason", "status_changed_on"]
                penalties[idx] = pen = {k: pen[k] for k in order + [k for k in keys if k not in order]}
            rec["exported_at"] = _exported_at(rng, day, today)

    for pen in penalties:
        last = max(date.fromisoformat(pen[k]) for k in ("decided_on", "served_on", "status_changed_on") if k in pen)
        pen["exported_at"] = _exported_at(rng, last, today)

    # progress: half follow a published case, half are cases still open or handled otherwise
    progress = []
    codes: set = set()
    n_prog = round(count * 0.2)
    linked = [i for i, p in enumerate(penalties) if p.get("case_no")]
    rng.shuffle(linked)
    unit_seq: dict = {}
    for j in range(n_prog):
        if j % 2 == 0 and linked:
            i = linked.pop()
            progress.append(_progress(rng, today, privates[i]["organ"], penalties[i]["case_no"],
                                      penalties[i], privates[i], codes))
        else:
            organ = rng.choices(ORGANS, weights=[o.weight for o in ORGANS])[0]
            month = today - timedelta(days=rng.randint(3, 300))
            key = (organ.short, month.year, month.month)
            unit_seq[key] = unit_seq.get(key, 500) + rng.randint(1, 9)  # 0501+ never clashes with penalties
            case_no = f"A{organ.unit_code}{month:%Y%m}{unit_seq[key]:04d}"
            progress.append(_progress(rng, today, organ, case_no, None, None, codes, start=month))
    return _strip(penalties + recons + progress)
