"""The offences a sample decision may be about: legal basis, penalties and a facts paragraph.

Citations of 《中华人民共和国治安管理处罚法》 use the numbering in force until 2025-12-31
(the 2012 text) throughout, so every sample is consistent with every other.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable

ZA = "《中华人民共和国治安管理处罚法》"
JT = "《中华人民共和国道路交通安全法》"
XF = "《中华人民共和国消防法》"
SFZ = "《中华人民共和国居民身份证法》"
CRJ = "《中华人民共和国出境入境管理法》"
WA = "《中华人民共和国网络安全法》"
YH = "《烟花爆竹安全管理条例》"
BA = "《保安服务管理条例》"


def det(rng: random.Random, lo: int, hi: int) -> dict:
    return {"type": "detention", "days": rng.randint(lo, hi)}


def fine(rng: random.Random, choices: list[int]) -> dict:
    return {"type": "fine", "amount": rng.choice(choices)}


def maybe(rng: random.Random, p: float, item: dict) -> list[dict]:
    return [item] if rng.random() < p else []


def serious_or_light(rng, serious, light, p_light=0.3):
    return light(rng) if rng.random() < p_light else serious(rng)


@dataclass
class Offence:
    name: str
    basis: list[str]
    penalties: Callable[[random.Random], list[dict]]
    facts: Callable[["object"], str]
    evidence: str = "违法行为人陈述和申辩、证人证言、视听资料"
    offenders: tuple[str, ...] = ("person",)  # person / organization / sole_proprietor / foreign
    traffic: bool = False
    summary_ok: bool = False
    minor_ok: bool = False
    weight: int = 3
    extra: dict = field(default_factory=dict)


def _beat(c):
    v = c.victim()
    w = c.witness()
    return (f"{c.when}，违法行为人{c.O}在{c.place}因{c.pick(['琐事', '停车纠纷', '排队先后', '债务纠纷', '噪音问题'])}"
            f"与被侵害人{v}发生争执，后{c.G}用拳头殴打{v}的头部、面部，致{v}面部软组织挫伤。"
            f"经鉴定，{v}的损伤程度为轻微伤。证人{w}目睹了事件经过。{c.rel_sentence(v)}")


def _theft(c):
    v = c.victim()
    item = c.pick(["电动自行车一辆", "手机一部（价值人民币2300元）", "钱包一个（内有现金人民币860元）",
                   "黄金项链一条", "电瓶两块", "快递包裹三件"])
    return (f"{c.when}，违法行为人{c.O}在{c.place}趁无人注意，窃得被侵害人{v}的{item}。"
            f"报警人{c.other()}发现后拨打110报警，民警到场后将{c.G}查获，被盗物品已发还{v}。")


def _fraud(c):
    v = c.victim()
    return (f"{c.when}，违法行为人{c.O}通过微信（微信号：{c.wx}）谎称可以代办驾驶证，骗取被侵害人{v}"
            f"人民币{c.pick(['1500', '2800', '3600', '4200'])}元，{v}将钱款从其银行卡（卡号{c.card}）转入{c.G}"
            f"提供的账户。证人{c.witness()}证实了上述情况。")


def _damage(c):
    v = c.victim()
    return (f"{c.when}，违法行为人{c.O}在{c.place}因{c.pick(['酒后', '停车纠纷', '与他人口角'])}，"
            f"用石块砸坏被侵害人{v}停放的小型轿车（车牌号{c.plate}）的挡风玻璃，"
            f"经价格认定，损失价值人民币{c.pick(['1200', '1800', '2600'])}元。")


def _extort(c):
    v = c.victim()
    return (f"{c.when}，违法行为人{c.O}以公开{v}隐私相威胁，通过QQ（QQ号：{c.qq}）多次向{v}索要人民币"
            f"{c.pick(['2000', '3000', '5000'])}元，{v}的母亲{c.other()}得知后报警。")


def _gamble(c):
    others = "、".join(c.other() for _ in range(3))
    return (f"{c.when}，违法行为人{c.O}伙同{others}在{c.venue}以“{c.pick(['斗牛', '推筒子', '炸金花', '打麻将'])}”"
            f"的方式进行赌博，赌资共计人民币{c.pick(['1600', '2450', '3800', '5200'])}元，被民警当场查获。")


def _gamble_host(c):
    return (f"{c.when}起，违法行为人{c.O}在其经营的{c.venue}内为他人赌博提供场所，并按每桌每场"
            f"{c.pick(['50', '80', '100'])}元的标准抽头渔利，共计获利人民币{c.pick(['900', '1500', '2100'])}元。"
            f"参赌人员{c.other()}、{c.other()}对此予以证实。")


def _prostitute(c):
    return (f"{c.when}，违法行为人{c.O}在{c.venue}与一名女子以人民币{c.pick(['300', '500', '800'])}元"
            f"的价格进行卖淫嫖娼活动时被民警当场查获。")


def _trouble(c):
    v = c.victim()
    return (f"{c.when}，违法行为人{c.O}酒后在{c.place}无故追逐、拦截过往行人，并辱骂、推搡被侵害人{v}，"
            f"造成现场围观，秩序混乱。{c.other()}与{c.other()}上前劝阻无效后报警。")


def _knife(c):
    return (f"{c.when}，违法行为人{c.O}在{c.place}随身携带{c.pick(['单刃刀一把（刀刃长18厘米）', '三棱刮刀一把', '弹簧刀一把', '匕首一把'])}，"
            f"被执勤民警检查时查获。")


def _public_order(c):
    return (f"{c.when}，违法行为人{c.O}在{c.place}因{c.pick(['购票问题', '排队问题', '退款纠纷'])}大声吵闹、"
            f"躺卧在通道上，经工作人员{c.witness()}及民警多次劝阻拒不离开，致使现场秩序混乱。")


def _unit_order(c):
    return (f"{c.when}，违法行为人{c.O}因对其父亲{c.other()}的治疗结果不满，在"
            f"{c.pick(['福建医科大学附属协和医院', '福建省立医院', '福州市第一医院', '福州市第二医院'])}门诊大厅"
            f"拉横幅、摆放花圈，致使医院门诊秩序混乱，值班医生{c.witness()}报警。")


def _obstruct(c):
    return (f"{c.when}，民警在{c.place}依法处置一起纠纷时，违法行为人{c.O}拒不配合，"
            f"用手推搡民警并拉扯执法记录仪，阻碍民警依法执行职务。现场群众{c.witness()}证实了上述事实。")


def _impersonate(c):
    v = c.victim()
    return (f"{c.when}，违法行为人{c.O}冒充{c.pick(['公安民警', '税务局工作人员', '部队军官'])}，"
            f"以帮助办理户口迁移为由与被侵害人{v}结识，骗取{v}的信任，并向其索要“活动经费”人民币"
            f"{c.pick(['2000', '3500', '4800'])}元。{v}之女{c.other()}察觉后报警。")


def _drugs(c):
    return (f"{c.when}，违法行为人{c.O}在{c.venue}吸食毒品甲基苯丙胺（冰毒），被民警当场查获。"
            f"经现场尿液检测，{c.G}的甲基苯丙胺检测结果呈阳性。")


def _indecent(c):
    v = c.victim()
    return (f"{c.when}，违法行为人{c.O}在{c.pick(['公交车上', '地铁1号线车厢内', c.place])}趁人多拥挤之机，"
            f"故意用手触摸被侵害人{v}（女）的臀部，{v}当即呼救，乘客{c.witness()}协助将{c.G}控制并报警。")


def _false_alarm(c):
    return (f"{c.when}，违法行为人{c.O}酒后拨打110报警电话，谎称在{c.place}发生持刀伤人事件，"
            f"致使公安机关出动警力进行处置，经查并无此事。")


def _insult(c):
    v = c.victim()
    return (f"{c.when}，违法行为人{c.O}在{c.place}当众以侮辱性言语辱骂被侵害人{v}，"
            f"并将{v}的照片配以侮辱性文字发布在微信群中，造成恶劣影响。证人{c.witness()}证实上述事实。")


def _messages(c):
    v = c.victim()
    return (f"{c.when}至案发，违法行为人{c.O}使用手机号码{c.phone}多次向被侵害人{v}发送恐吓、侮辱信息，"
            f"严重干扰{v}的正常生活。{v}的丈夫{c.other()}报警。")


def _peeping(c):
    return (f"{c.when}，违法行为人{c.O}在{c.pick(['某商场女卫生间外', '某健身房更衣室外', '某宾馆走廊'])}用手机偷拍"
            f"他人隐私，被被侵害人{c.victim()}发现后报警，民警在{c.G}的手机中查获偷拍视频3段。")


def _noise(c):
    v = c.victim()
    return (f"{c.when}起，违法行为人{c.O}在其位于{c.addr}的住所内多次于夜间使用大功率音响播放音乐，"
            f"邻居{v}多次投诉，经社区及民警警告后仍不改正，严重干扰他人正常生活。")


def _landlord(c):
    return (f"{c.when}，民警在出租房屋检查中发现，违法行为人{c.O}将其位于{c.addr}的房屋出租给"
            f"{c.other()}、{c.other()}等人居住，未按规定登记承租人的姓名、身份证件种类和号码。")


def _fake_id(c):
    return (f"{c.when}，违法行为人{c.O}在{c.venue}登记入住时，冒用他人{c.other()}的居民身份证，"
            f"被民警核查时发现。")


def _no_licence(c):
    return (f"{c.when}，违法行为人{c.O}未取得机动车驾驶证，驾驶车牌号为{c.plate}的小型轿车行驶至"
            f"{c.place}附近时，被执勤民警查获。")


def _drink(c):
    return (f"{c.when}，违法行为人{c.O}饮酒后驾驶车牌号为{c.plate}的小型汽车行驶至{c.road}路段时被执勤民警查获。"
            f"经呼气酒精含量检测，{c.G}的血液酒精含量为{c.pick(['32', '45', '58', '67'])}mg/100ml，属饮酒后驾驶机动车。")


def _drink_taxi(c):
    return (f"{c.when}，违法行为人{c.O}饮酒后驾驶车牌号为{c.plate}的出租车（营运机动车）行驶至{c.road}路段时被查获，"
            f"经检测血液酒精含量为{c.pick(['41', '52', '66'])}mg/100ml。")


def _fake_plate(c):
    return (f"{c.when}，违法行为人{c.O}驾驶悬挂伪造号牌“{c.plate}”的小型汽车行驶至{c.road}路段时被执勤民警查获。")


def _fire_negligent(c):
    return (f"{c.when}，违法行为人{c.O}在{c.addr}的出租屋内给电动自行车电瓶充电时无人看管，引发火灾，"
            f"烧毁{c.pick(['电动自行车两辆', '楼道杂物及电表箱', '邻居住户门窗'])}，所幸未造成人员伤亡。"
            f"房东{c.other()}、邻居{c.witness()}证实了上述事实。")


def _fire_flame(c):
    return (f"{c.when}，违法行为人{c.O}在{c.place}附近的装修工地违反规定进行电焊明火作业，"
            f"未采取相应的消防安全措施，被消防监督检查人员发现。")


def _cyber(c):
    return (f"{c.when}，本机关在网络安全监督检查中发现，{c.O}运营的{c.pick(['电商平台', '在线教育平台', '小程序', '门户网站'])}"
            f"未履行网络安全等级保护义务，未采取防范计算机病毒和网络攻击的技术措施，"
            f"经责令改正后拒不改正。该单位网络安全负责人{c.other()}到场接受询问。")


def _hotel(c):
    return (f"{c.when}，民警在对{c.O}开展治安检查时发现，该单位对住宿旅客{c.other()}、{c.other()}"
            f"未按规定登记身份信息，前台服务员{c.witness()}对此予以证实。")


def _security(c):
    return (f"{c.when}，本机关在检查中发现，{c.O}招用的保安员{c.other()}、{c.other()}未取得保安员证，"
            f"且该单位未按规定对保安员进行背景审查。")


def _overstay(c):
    return (f"{c.when}，民警在{c.place}检查时发现，违法行为人{c.O}所持签证有效期已于"
            f"{c.pick(['2025年6月30日', '2025年10月15日', '2026年3月1日'])}届满，其未办理延期手续，"
            f"在中国境内非法居留{c.pick(['18', '35', '62'])}日。")


def _fireworks(c):
    return (f"{c.when}，违法行为人{c.O}在{c.place}禁止燃放区域内燃放烟花爆竹，被巡逻民警当场查获。")


def _dog(c):
    v = c.victim()
    return (f"{c.when}，违法行为人{c.O}饲养的犬只未拴绳在{c.place}追咬路人，致被侵害人{v}受到惊吓。"
            f"此前民警已对{c.G}予以警告，其仍未改正。")


def _light(lo=200, hi=500):
    return lambda rng: [rng.choice([{"type": "warning"}, fine(rng, [x for x in (100, 200, 300, 500) if lo <= x <= hi] or [lo])])]


OFFENCES = [
    Offence("殴打他人", [f"{ZA}第四十三条第一款"],
            lambda r: serious_or_light(r, lambda r: [det(r, 5, 10)] + maybe(r, 0.7, fine(r, [200, 300, 500])),
                                       lambda r: [r.choice([det(r, 2, 5), fine(r, [200, 300, 500])])]),
            _beat, "违法行为人陈述和申辩、被侵害人陈述、证人证言、伤情鉴定意见、视听资料", minor_ok=True, weight=10),
    Offence("盗窃", [f"{ZA}第四十九条"],
            lambda r: serious_or_light(r, lambda r: [det(r, 5, 10)] + maybe(r, 0.4, fine(r, [300, 500])),
                                       lambda r: [r.choice([det(r, 3, 5), fine(r, [300, 500])])]),
            _theft, "违法行为人陈述和申辩、被侵害人陈述、辨认笔录、价格认定书、视听资料", minor_ok=True, weight=9),
    Offence("诈骗", [f"{ZA}第四十九条"],
            lambda r: [det(r, 5, 10)] + maybe(r, 0.5, fine(r, [500])),
            _fraud, "违法行为人陈述和申辩、被侵害人陈述、转账记录、聊天记录", weight=4),
    Offence("故意损毁财物", [f"{ZA}第四十九条"],
            lambda r: serious_or_light(r, lambda r: [det(r, 5, 10)], lambda r: [fine(r, [300, 500])]),
            _damage, "违法行为人陈述和申辩、被侵害人陈述、现场勘验笔录、价格认定书", minor_ok=True, weight=4),
    Offence("敲诈勒索", [f"{ZA}第四十九条"],
            lambda r: [det(r, 7, 10)] + maybe(r, 0.5, fine(r, [500])), _extort, weight=2),
    Offence("赌博", [f"{ZA}第七十条"],
            lambda r: serious_or_light(r, lambda r: [det(r, 10, 15), fine(r, [500, 1000, 2000, 3000])],
                                       lambda r: [fine(r, [300, 500])], p_light=0.6)
            + [{"type": "confiscation", "item": "赌资人民币" + str(r.choice([320, 650, 880, 1200])) + "元"}],
            _gamble, "违法行为人陈述和申辩、同案人员陈述、扣押清单、现场照片", weight=7),
    Offence("为赌博提供条件", [f"{ZA}第七十条"],
            lambda r: [det(r, 10, 15), fine(r, [1000, 2000, 3000]),
                       {"type": "confiscation", "item": "违法所得人民币" + str(r.choice([900, 1500, 2100])) + "元"}],
            _gamble_host, weight=3),
    Offence("卖淫嫖娼", [f"{ZA}第六十六条第一款"],
            lambda r: serious_or_light(r, lambda r: [det(r, 10, 15)] + maybe(r, 0.6, fine(r, [1000, 2000, 3000, 5000])),
                                       lambda r: [r.choice([det(r, 3, 5), fine(r, [500])])], p_light=0.2),
            _prostitute, "违法行为人陈述和申辩、同案人员陈述、现场检查笔录", weight=6),
    Offence("寻衅滋事", [f"{ZA}第二十六条第二项"],
            lambda r: [det(r, 5, 10)] + maybe(r, 0.5, fine(r, [300, 500])),
            _trouble, minor_ok=True, weight=5),
    Offence("非法携带管制器具", [f"{ZA}第三十二条第一款"],
            lambda r: serious_or_light(r, lambda r: [det(r, 2, 5)] + maybe(r, 0.5, fine(r, [200, 500])), _light(100, 200), 0.5)
            + [{"type": "confiscation", "item": "管制刀具一把"}],
            _knife, "违法行为人陈述和申辩、扣押清单、管制刀具认定书、现场照片", minor_ok=True, summary_ok=True, weight=4),
    Offence("扰乱公共场所秩序", [f"{ZA}第二十三条第一款第二项"],
            lambda r: serious_or_light(r, lambda r: [det(r, 5, 10)] + maybe(r, 0.5, fine(r, [300, 500])), _light(100, 200), 0.5),
            _public_order, minor_ok=True, summary_ok=True, weight=5),
    Offence("扰乱单位秩序", [f"{ZA}第二十三条第一款第一项"],
            lambda r: [det(r, 5, 10)] + maybe(r, 0.4, fine(r, [500])), _unit_order, weight=2),
    Offence("阻碍执行职务", [f"{ZA}第五十条第一款第二项", f"{ZA}第五十条第二款"],
            lambda r: [det(r, 5, 10)] + maybe(r, 0.5, fine(r, [500])),
            _obstruct, "违法行为人陈述和申辩、证人证言、执法记录仪视频", weight=4),
    Offence("招摇撞骗", [f"{ZA}第五十一条第一款"],
            lambda r: [det(r, 5, 10)] + maybe(r, 0.5, fine(r, [500])), _impersonate, weight=2),
    Offence("吸食毒品", [f"{ZA}第七十二条第三项"],
            lambda r: [det(r, 10, 15)] + maybe(r, 0.4, fine(r, [1000, 2000])),
            _drugs, "违法行为人陈述和申辩、现场检测报告书、扣押清单", weight=5),
    Offence("猥亵他人", [f"{ZA}第四十四条"], lambda r: [det(r, 5, 10)], _indecent, weight=2),
    Offence("谎报警情", [f"{ZA}第二十五条第一项"],
            lambda r: serious_or_light(r, lambda r: [det(r, 5, 10)], lambda r: [fine(r, [300, 500])]),
            _false_alarm, "违法行为人陈述和申辩、110接处警记录、报警录音", weight=2),
    Offence("侮辱他人", [f"{ZA}第四十二条第二项"],
            lambda r: [r.choice([det(r, 3, 5), fine(r, [300, 500])])], _insult, weight=2),
    Offence("发送信息干扰他人正常生活", [f"{ZA}第四十二条第五项"],
            lambda r: [r.choice([det(r, 3, 5), fine(r, [300, 500])])], _messages, weight=2),
    Offence("偷窥、偷拍他人隐私", [f"{ZA}第四十二条第六项"],
            lambda r: [det(r, 3, 8)], _peeping, weight=2),
    Offence("制造噪声干扰他人正常生活", [f"{ZA}第五十八条"],
            lambda r: [r.choice([{"type": "warning"}, fine(r, [200, 300, 500])])], _noise, summary_ok=True, weight=2),
    Offence("饲养动物干扰他人正常生活", [f"{ZA}第七十五条第一款"],
            lambda r: [r.choice([{"type": "warning"}, fine(r, [200, 300])])], _dog, summary_ok=True, weight=2),
    Offence("房屋出租人不按规定登记承租人信息", [f"{ZA}第五十七条第一款"],
            lambda r: [fine(r, [200, 300, 500])], _landlord, summary_ok=True, weight=2),
    Offence("冒用他人居民身份证", [f"{SFZ}第十七条第一款第一项"],
            lambda r: [r.choice([fine(r, [200, 500, 1000]), det(r, 3, 10)])], _fake_id, weight=2),
    Offence("过失引起火灾", [f"{XF}第六十四条第二项"],
            lambda r: [r.choice([det(r, 10, 15), fine(r, [500])])], _fire_negligent,
            "违法行为人陈述和申辩、证人证言、火灾事故认定书、现场照片", weight=2),
    Offence("违反规定使用明火作业", [f"{XF}第六十三条第二项"],
            lambda r: [r.choice([{"type": "warning"}, fine(r, [200, 500]), det(r, 2, 5)])], _fire_flame,
            summary_ok=True, weight=2),
    Offence("违规燃放烟花爆竹", [f"{YH}第四十二条第二款"],
            lambda r: [fine(r, [100, 200, 300, 500])], _fireworks, summary_ok=True, weight=2),
    Offence("非法居留", [f"{CRJ}第七十八条第一款"],
            lambda r: [r.choice([{"type": "warning"}, fine(r, [5000, 9000, 10000]), det(r, 5, 15)])],
            _overstay, "违法行为人陈述和申辩、出入境记录、护照复印件", offenders=("foreign",), weight=2),
    Offence("未取得机动车驾驶证驾驶机动车", [f"{JT}第九十九条第一款第一项", f"{JT}第九十九条第二款"],
            lambda r: [fine(r, [500, 1000, 1500, 2000])] + maybe(r, 0.4, det(r, 5, 15)),
            _no_licence, "违法行为人陈述和申辩、机动车驾驶人信息查询结果、现场照片", traffic=True, weight=6),
    Offence("饮酒后驾驶机动车", [f"{JT}第九十一条第一款"],
            lambda r: [{"type": "suspension", "days": 180, "item": "机动车驾驶证"}, fine(r, [1000, 1500, 2000])],
            _drink, "违法行为人陈述和申辩、呼气酒精含量检测单、执法记录仪视频", traffic=True, weight=6),
    Offence("饮酒后驾驶营运机动车", [f"{JT}第九十一条第三款"],
            lambda r: [det(r, 15, 15), fine(r, [5000]), {"type": "revocation", "item": "机动车驾驶证"}],
            _drink_taxi, "违法行为人陈述和申辩、呼气酒精含量检测单、执法记录仪视频", traffic=True, weight=2),
    Offence("使用伪造的机动车号牌", [f"{JT}第九十六条第一款"],
            lambda r: [det(r, 5, 15), fine(r, [2000, 3000, 5000]), {"type": "confiscation", "item": "伪造的机动车号牌一副"}],
            _fake_plate, "违法行为人陈述和申辩、号牌鉴定意见、现场照片", traffic=True, weight=2),
    Offence("不履行网络安全保护义务", [f"{WA}第五十九条第一款"],
            lambda r: [fine(r, [10000, 20000, 50000])] if r.random() < 0.7 else [{"type": "warning"}],
            _cyber, "现场检查笔录、责令限期改正通知书、复查笔录", offenders=("organization",), weight=2),
    Offence("旅馆业不按规定登记住宿旅客信息", [f"{ZA}第五十六条第一款"],
            lambda r: [fine(r, [200, 300, 500])] + maybe(r, 0.15, {"type": "closure", "item": "责令停业整顿十日"}),
            _hotel, "现场检查笔录、旅客登记簿、证人证言", offenders=("sole_proprietor", "organization"), weight=3),
    Offence("保安从业单位违规招用保安员", [f"{BA}第四十二条第一款"],
            lambda r: [{"type": "warning"}, fine(r, [10000, 20000, 30000])],
            _security, "现场检查笔录、保安员名册、询问笔录", offenders=("organization",), weight=1),
]
BY_NAME = {o.name: o for o in OFFENCES}
