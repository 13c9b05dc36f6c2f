"""Where a Chinese personal name starting at a position ends (shared by the name recognizers).

Taggers split names (郑/海涛, 上官/慧芳) or absorb the next character (彭宇称), so a name span
is decided here: a surname (compound first), then one or two given-name characters, stopping
before a function word or at the start of a longer word the segmenter found.
"""
from __future__ import annotations

from redaction.lexicon import ordinary_word, word_info
from redaction.names import compound_surnames, surnames
from redaction.text import is_han

WORD_TAGS = {"d", "ad", "vd", "v", "p", "c", "u", "r", "m", "q", "f", "xc", "w", "TIME", "LOC", "ORG", "s", "t"}
FUNCTION_TAGS = {"p", "c", "d", "u", "r", "xc"}
NAME_LIKE_TAGS = {"n", "a", "an", "ng", "nr", "ns", "nz", "t", "j", "z"}  # jieba tags of words that also serve as given names
ADJECTIVE_TAGS = {"ad", "TIME"}  # 被侵害人安静报警: LAC reads the name 安静 as an adverbial adjective; 服务员夏天对此: as a time
STOP = set("称说讲等在于被将与和及跟同的了也都是系向对把从到因以为已又还就即之其报打骂踢拿持驾开去来离回见诉述均各分共前后时曾再并而且但等未")


# nouns a person's noun is followed by without 的 (骗取被侵害人钱财, 被侵害人方面): never a name
# ended by a mere word boundary after a cue
POSSESSED = {"钱财", "财物", "方面", "家中", "家里", "住处", "住所", "身上", "身体", "手机", "现金", "车辆",
             "财产", "物品", "款项", "钱款", "名下", "一方", "家属", "亲属", "本人", "陈述", "供述", "证言"}
# what only people do right after their name (与田野发生争执, 与林海发生口角)
DISPUTE = ("发生争执", "发生口角", "发生纠纷", "发生冲突", "发生矛盾", "产生矛盾", "产生纠纷", "发生争吵",
           "发生肢体冲突", "互相殴打", "相互殴打", "争吵", "打架", "互殴")


# what a person does right after being named (邻居田野证实了上述事实)
# (许某的母亲东方福得知后报警: without 得知 the tagger's reading decided whether the name ran on
# into 得 or was dropped, and the 30k sample build's gate found 东方福 unmasked)
PERSON_VERBS = ("证实", "证明", "目睹", "报警", "报案", "拨打", "投诉", "举报", "劝阻", "看见", "看到", "反映",
                "辨认", "指认", "到场", "送医", "协助", "得知", "获悉", "察觉", "发觉")


ADVERBS = ("多次", "当即", "立即", "随即", "再次", "先后", "一直", "曾", "也", "均", "遂")  # 邻居夏天多次投诉


def followed_by_dispute(text: str, end: int) -> bool:
    return text.startswith(DISPUTE, end)


def _covering(starts: dict, pos: int):
    """The tagger token that covers pos without starting there (人文明 over 文), or None."""
    for a in range(pos - 1, max(-1, pos - 6), -1):
        tok = starts.get(a)
        if tok:
            return tok if tok[0] > pos else None
    return None


def token_starts(tokens) -> dict[int, tuple[int, str]]:
    return {a: (b, t) for a, b, _, t in tokens}


def name_end(text: str, pos: int, starts: dict | None = None, keep_ok: bool = False,
             boundary_ok: bool = False) -> int | None:
    """End of a name beginning at pos, or None when no surname starts there.

    keep_ok: after a cue, an ordinary word is a name where a name ends (被侵害人安静报警);
    boundary_ok: after a cue that always introduces a person, a word boundary is such an end
    too (骗取被侵害人江山人民币3600元), but not after one that also modifies nouns (驾驶人信息查询)."""
    starts = starts or {}
    if text[pos:pos + 2] in compound_surnames():
        g = pos + 2
    elif text[pos:pos + 1] in surnames():
        g = pos + 1
    else:
        return None
    end = g
    while end < len(text) and end - g < 2 and is_han(text[end]) and text[end] not in STOP and text[end] != "某":
        if end - g == 1:
            if text.startswith(PERSON_VERBS, end):
                break  # what the person did starts here (证人游梅目睹, read as one word 游梅目睹)
            if text.startswith(PERSON_VERBS, end + 1):
                end += 1  # it starts after this character, the name's last (之女李英犇察觉后报警: the
                break  # tagger read the rare 犇 with 察 as a word, and the 100k build left 李某犇察觉)
            nxt = starts.get(end)
            if nxt and nxt[0] - end >= 2 and nxt[1] != "PER":
                break  # the third character starts a word of its own (张伟受伤)
        end += 1
    if end == g:
        return None
    if text[pos:end] in POSSESSED or text[g:end] in ADVERBS:
        return None  # 被侵害人钱财; 被侵害人曾多次报警 (the adverb 曾 and 多次, no one named 曾多次)
    nxt = text[end:end + 1]
    verb = next((v for v in PERSON_VERBS if text.startswith(v, end)), None)
    name_ends = keep_ok and (nxt == "" or nxt in STOP or not is_han(nxt) or verb is not None
                             or (text.startswith(ADVERBS, end) and any(
                                 text.startswith(PERSON_VERBS, end + len(a)) for a in ADVERBS if text.startswith(a, end))))
    tok = starts.get(pos)
    # the tagger tore the name: its word from the surname is no dictionary word (or, after a cue
    # that only introduces people, a place: 被侵害人韩国|木) and ends inside the given name (曾然|宏
    # read as the adverb 曾然, 甘海|闽 as a place, 何土|闽 as a pronoun), or runs on into the verb
    # the person does (证人游强梅目|睹)
    torn = bool(tok) and (not ordinary_word(text[pos:tok[0]]) or (boundary_ok and tok[1] == "LOC")) and (
        g < tok[0] < end or (verb is not None and end < tok[0] <= end + len(verb)))
    if boundary_ok and not name_ends:
        nt = starts.get(end)
        # the word that starts at pos ends with the name; or the tagger glued the cue's last
        # character to the name (报警人|文明 read as 报警|人文明) and that token ends with it
        here = tok or _covering(starts, pos)
        name_ends = bool(nt) and nt[0] - end >= 2 and bool(here) and (here[0] in (end, g) or torn)
    if tok and tok[0] > g and tok[1] in WORD_TAGS and not (tok[0] == end and not ordinary_word(text[pos:end])):
        if not (name_ends and (g == pos + 2 or tok[0] == end or torn)
                and (boundary_ok or tok[1] in ADJECTIVE_TAGS or not ordinary_word(text[pos:end]))):
            return None  # the "surname" opens an ordinary word: 严加管教, 向其, 于是
    if tok and tok[0] == g and tok[1] in FUNCTION_TAGS and ordinary_word(text[g:end]) and not (
            name_ends and tok[1] == "d" and (
                (boundary_ok and (word_info(text[g:end]) or ("v",))[0] in NAME_LIKE_TAGS)
                or text.startswith(PERSON_VERBS + ("对此予以",), end))):
        # a preposition before a word, not a surname: 报警人向民警反映, 与其; but after a cue that
        # only ever introduces a person, the adverb 曾 before a noun is the surname (被侵害人曾英军的,
        # 现场群众曾豪雨证实), not before a verb (证人曾目睹了) unless what the person did follows
        # (前台服务员曾超生对此予以证实)
        return None
    if tok and tok[0] > end and tok[1] != "PER" and not (name_ends and torn):
        return None  # a longer word starts here: 常住人口
    if ordinary_word(text[pos:end]) and not name_ends:
        return None  # an ordinary word (信息, 平安); after a cue it is a name only if the name ends there
    return end


# what the side of a quarrel or the source of a statement may be that is no name (与公司发生纠纷,
# 申请人的陈述): roles and bodies whose first character is also a surname
NOT_PEOPLE = {"司机", "公司", "商家", "商户", "商贩", "商店", "商场", "车主", "车辆", "房东", "房客", "师傅", "顾客",
              "路人", "管理员", "门卫", "安保", "单位", "管理处", "城管", "包工头", "申请人", "被申请人", "母亲",
              "施工方", "施工人员", "游客", "游人", "宾客", "全家", "邻座", "乘务员", "司乘人员", "师生", "余人",
              "双方", "何人", "时任", "原告", "被告", "原审", "应诉方"}
_NOT_PEOPLE_TAGS = ("v", "vn", "r", "d", "p", "c", "u", "m", "q", "f")
# after 与/和/同/跟: a quarrel; after a left boundary: a statement, an injury
_QUARREL_BEFORE = "与和同跟"
PERSON_TAILS = ("的陈述", "的证言", "的供述", "的证词", "的损伤", "的伤情", "的询问笔录",
                # kin are a person's (，洪丹的母亲陈某得知后报警); people are listed (出租给方圆、文明等人居住);
                # bystanders step in (。黎明与高峰上前劝阻)
                "的母亲", "的父亲", "的妻子", "的丈夫", "的儿子", "的女儿", "等人", "上前劝阻")
_TAIL_LEFT = "与和及、给"  # what may stand before such a name inside a clause
_JOINED = "、与和及"  # what joins it to the name before it (方圆、文明等人; 黎明与高峰上前劝阻)


def not_a_person(word: str) -> bool:
    """A word that cannot be a person's name where a person must stand: a role, or a word the
    dictionary knows as a verb, pronoun, adverb, function word or numeral."""
    if word in NOT_PEOPLE or word in POSSESSED:
        return True
    info = word_info(word)
    return info is not None and info[0] in _NOT_PEOPLE_TAGS and info[1] >= 5


def _name_before(text: str, end: int, left_ok) -> int | None:
    """Start of a name (surname, one or two given characters) that ends at end, or None."""
    for length in (3, 2, 4):
        pos = end - length
        if pos < 0 or not left_ok(pos):
            continue
        g = pos + 2 if text[pos:pos + 2] in compound_surnames() else pos + 1
        if g == pos + 1 and text[pos] not in surnames():
            continue
        given = text[g:end]
        if 1 <= len(given) <= 2 and all(is_han(c) and c not in STOP and c != "某" for c in given):
            return pos
    return None


def person_before_tail(text: str):
    """(start, end, why) of names that stand where only a person can: the other side of a quarrel
    (与宋国发生争执) and the one whose statement or injury it is (，施水的陈述)."""
    for tail in DISPUTE:
        start = text.find(tail)
        while start >= 0:
            pos = _name_before(text, start, lambda p: p > 0 and text[p - 1] in _QUARREL_BEFORE)
            if pos is not None:
                yield pos, start, "与…" + tail[:4]
                # and the one on the other side, where the clause starts (。/事后曾坚强与张斌发生争执)
                first = _name_before(text, pos - 1, lambda p: p == 0 or not is_han(text[p - 1]) or text[p - 1] == "后")
                if first is not None:
                    yield first, pos - 1, "…与" + tail[:4]
            start = text.find(tail, start + 1)
    def left_ok(p):
        return p == 0 or not is_han(text[p - 1]) or text[p - 1] in _TAIL_LEFT

    for tail in PERSON_TAILS:
        start = text.find(tail)
        while start >= 0:
            end, pos = start, _name_before(text, start, left_ok)
            while pos is not None:
                yield pos, end, tail
                if pos < 2 or text[pos - 1] not in _JOINED:
                    break
                end, pos = pos - 1, _name_before(text, pos - 1, left_ok)  # the people listed before it
            start = text.find(tail, start + 1)
