"""People named after a role or kinship cue: 被侵害人王某某, 证人, 报警人, 其妻, 之父, 母亲..."""
from __future__ import annotations

import re

from redaction.recognizers.base import Context, Recognizer
from redaction.recognizers.name_shape import name_end, not_a_person, person_before_tail, token_starts
from redaction.span import Span

CUES = [
    "被侵害人", "受害人", "被害人", "证人", "报警人", "报案人", "举报人", "控告人", "违法行为人", "违法嫌疑人",
    "嫌疑人", "当事人", "申请人", "被申请人", "第三人", "代理人", "委托代理人", "法定代理人", "法定代表人",
    "负责人", "经营者", "监护人", "驾驶人", "驾驶员", "车主", "房东", "租户", "承租人", "业主", "店主", "老板",
    "其妻", "其夫", "其子", "其女", "其父", "其母", "之妻", "之夫", "之子", "之女", "之父", "之母", "妻子", "丈夫",
    "儿子", "女儿", "父亲", "母亲", "哥哥", "弟弟", "姐姐", "妹妹", "其兄", "其弟", "其姐", "其妹", "朋友", "同事",
    "邻居", "男友", "女友", "前妻", "前夫", "侄子", "外甥", "孙子", "同学", "员工", "保安", "民警", "辅警", "姓名",
    "名叫", "叫做", "化名", "联系人", "收款人", "付款人", "户主", "亲属", "家属", "患者", "学生", "未成年人",
    "伙同", "现场群众", "群众", "工作人员", "服务员", "医生", "参赌人员", "旅客", "乘客", "店员", "收银员", "网管", "路人",
    # verbs whose object is a person (冒用他人林海的居民身份证, 殴打钟军头部)
    "冒用他人", "盗用他人", "使用他人", "殴打", "辱骂", "推搡", "踢打", "猥亵",
]
# cues that only ever introduce a person (not 驾驶人信息, 车主信息, 学生宿舍)
STRONG = {"被侵害人", "受害人", "被害人", "证人", "报警人", "报案人", "举报人", "控告人", "名叫", "叫做", "化名",
          "其妻", "其夫", "其子", "其女", "其父", "其母", "之妻", "之夫", "之子", "之女", "之父", "之母",
          "其兄", "其弟", "其姐", "其妹", "伙同", "现场群众"}
_CUE = re.compile("(?:" + "|".join(sorted(map(re.escape, CUES), key=len, reverse=True)) + r")[:：\s]{0,2}(?:为|是|系)?")
# where any cue starts: cues overlap (其父亲 holds 其父 and 父亲; only 父亲 is followed by the name)
_CUE_AT = re.compile("(?=" + "|".join(sorted(map(re.escape, CUES), key=len, reverse=True)) + ")")


class RoleCueRecognizer(Recognizer):
    ENTITY = "PERSON"
    SCORE = 0.95

    def analyze(self, ctx: Context) -> list[Span]:
        spans, starts = [], token_starts(ctx.tokens)
        for at in _CUE_AT.finditer(ctx.text):
            m = _CUE.match(ctx.text, at.start())
            pos = m.end()
            cue = m.group().rstrip(":： 为是系")
            end = name_end(ctx.text, pos, starts, keep_ok=True, boundary_ok=cue in STRONG)
            if end is None:
                continue
            spans.append(Span(self.ENTITY, pos, end, self.SCORE, f"{self.name}:{cue}", f"after cue {cue}"))
        # 因琐事与钟军发生争执, 施水的陈述与事实不符: a quarrel has people on both sides, a statement
        # has a person behind it, whatever the tagger made of the name (宋国 a place, 施水 a verb)
        for pos, end, why in person_before_tail(ctx.text):
            if not_a_person(ctx.text[pos:end]):
                continue
            spans.append(Span(self.ENTITY, pos, end, 0.9, f"{self.name}:{why}", f"a person's name before {why}"))
        return spans
