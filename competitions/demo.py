"""Demo contests for `seed_demo`: an open formal contest and a practice contest every demo student can
take. Idempotent (natural keys). Brings its own small published question set in a demo topic so it
works whether or not the question-bank demo ran first."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import GradeBand
from questionbank.models import Question, QuestionRevision, QuestionStatus, QuestionType, Topic

from .models import Contest, ContestKind, ContestStatus, CountingRule, PaperRule, ReviewPolicy, ScorePolicy

ALL_BANDS = list(GradeBand.values)
S, M, T, F = QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE, QuestionType.FILL_BLANK


def _opts(*texts):
    return [{"key": "ABCD"[i], "text": t} for i, t in enumerate(texts)]


QUESTIONS = [
    (
        S,
        "发生火灾时，正确的逃生做法是？",
        _opts("乘坐电梯", "用湿毛巾捂住口鼻，弯腰沿安全出口撤离", "躲进衣柜", "跳楼"),
        ["B"],
        "火灾时电梯可能断电，烟气上升，应低姿撤离。",
    ),
    (S, "火警电话是？", _opts("110", "120", "119", "122"), ["C"], "119 是火警电话。"),
    (S, "急救电话是？", _opts("120", "114", "12315", "10086"), ["A"], "120 是医疗急救电话。"),
    (S, "过马路时应该走？", _opts("任意位置", "人行横道", "隔离栏缺口", "机动车道"), ["B"], "行人应走人行横道。"),
    (
        S,
        "遇到陌生人敲门，独自在家的你应该？",
        _opts("马上开门", "告诉他家里没大人", "不开门并联系家长", "从窗户喊邻居吵架"),
        ["C"],
        "独自在家不给陌生人开门。",
    ),
    (
        S,
        "在河边玩耍，发现同伴落水，正确做法是？",
        _opts("立即跳下去救", "大声呼救并找长竿等物施救", "手拉手下水", "离开现场"),
        ["B"],
        "未成年人不可贸然下水施救。",
    ),
    (
        S,
        "雷雨天气在户外，应当？",
        _opts("在大树下避雨", "举着金属杆", "到低洼处蹲下，远离高大物体", "在空旷地奔跑"),
        ["C"],
        "远离孤立高大物体。",
    ),
    (
        S,
        "使用电器时，以下做法正确的是？",
        _opts("湿手拔插头", "多个大功率电器共用一个插座", "发现电线破损及时告诉大人", "用铁丝代替保险丝"),
        ["C"],
        "电线破损要及时处理。",
    ),
    (
        M,
        "以下哪些是防溺水的正确做法？",
        _opts("不私自下水游泳", "不在无家长陪同时游泳", "不到无安全设施的水域游泳", "熟悉水性就可以去深水区"),
        ["A", "B", "C"],
        "“六不”防溺水。",
    ),
    (
        M,
        "地震发生时，在教室里可以？",
        _opts("躲在课桌下", "用书包护住头部", "跳窗逃生", "听从老师指挥有序撤离"),
        ["A", "B", "D"],
        "先躲避后有序撤离。",
    ),
    (
        M,
        "以下属于个人信息、不能随便告诉网友的是？",
        _opts("家庭住址", "学校和班级", "喜欢的颜色", "父母手机号"),
        ["A", "B", "D"],
        "保护个人隐私。",
    ),
    (T, "骑共享单车的年龄要求是年满 12 周岁。", [], True, "依据规定，未满 12 周岁不得骑共享单车上路。"),
    (T, "食物过了保质期，只要闻着没有异味就可以吃。", [], False, "过期食品可能变质，不能食用。"),
    (T, "发现燃气泄漏，应立即打开窗户通风，不要开关电器。", [], True, "开关电器可能产生电火花。"),
    (T, "在楼道里堆放杂物不会影响消防安全。", [], False, "楼道是逃生通道。"),
    (F, "全国中小学生安全教育日是每年 3 月的最后一个星期____。", [], [["一", "1"]], "每年 3 月最后一周的星期一。"),
    (F, "我国的报警电话是____，火警电话是____。", [], [["110"], ["119"]], "110 报警，119 火警。"),
]


# The practice ground draws from its own questions: while the formal contest runs, its questions are
# reserved (competitions/secrecy.py) and a practice with immediate review may not hand out their keys.
PRACTICE_QUESTIONS = [
    (
        S,
        "被困电梯时，正确的做法是？",
        _opts("扒门爬出", "按警铃或拨打电梯内电话求助", "在电梯里跳动", "撬开天花板"),
        ["B"],
        "保持冷静，等待救援。",
    ),
    (
        S,
        "放学路上有陌生人说“你妈妈让我来接你”，你应该？",
        _opts("跟他走", "先打电话向家长核实", "收下他给的零食", "告诉他家庭住址"),
        ["B"],
        "陌生人接送要先核实。",
    ),
    (
        S,
        "夏天在家中发现有人触电，首先应该？",
        _opts("用手把人拉开", "切断电源或用干燥木棍挑开电线", "泼水", "跑开"),
        ["B"],
        "先断电再施救。",
    ),
    (
        S,
        "乘坐校车时，正确的做法是？",
        _opts("把头伸出窗外", "系好安全带，不在车内打闹", "站在车门边", "催促司机开快点"),
        ["B"],
        "乘车要系安全带。",
    ),
    (
        S,
        "鼻子流血时，正确的处理是？",
        _opts("仰头", "低头，用手指压住鼻翼两侧", "用纸用力塞住", "躺下"),
        ["B"],
        "身体前倾，压迫止血。",
    ),
    (
        M,
        "以下哪些做法能预防食物中毒？",
        _opts("饭前洗手", "不买三无食品", "生熟分开", "吃路边摊的凉拌菜"),
        ["A", "B", "C"],
        "注意饮食卫生。",
    ),
    (
        M,
        "网络游戏中有人索要你家人的支付密码，你应该？",
        _opts("拒绝", "告诉家长", "为了装备告诉他", "向平台举报"),
        ["A", "B", "D"],
        "保护家庭财产安全。",
    ),
    (T, "未满 12 周岁的儿童可以坐在汽车副驾驶座位上。", [], False, "应坐在后排安全座椅上。"),
    (T, "游泳前要做好热身运动。", [], True, "热身可以防止抽筋。"),
    (T, "闻到煤气味时，可以打开抽油烟机排气。", [], False, "开关电器可能产生电火花。"),
    (T, "遇到校园欺凌要及时告诉老师和家长。", [], True, "学会求助。"),
]


def _question(topic: Topic, qtype, stem, options, answer, explanation) -> None:
    if Question.objects.filter(topic=topic, stem=stem).exists():
        return
    content = {
        "qtype": qtype,
        "stem": stem,
        "options": options,
        "answer": answer,
        "explanation": explanation,
        "difficulty": "medium",
        "grade_bands": ALL_BANDS,
        "source": "演示数据",
    }
    question = Question.objects.create(topic=topic, status=QuestionStatus.PUBLISHED, **content)
    revision = QuestionRevision.objects.create(question=question, number=1, topic=topic, **content)
    question.current_revision = revision
    question.save(update_fields=["current_revision"])


def _contest(title: str, *, owner, defaults: dict, rules: list) -> Contest:
    now = timezone.now()
    contest, created = Contest.objects.get_or_create(title=title, owner_org=owner, defaults=defaults)
    if not created and contest.closes_at <= now + timedelta(days=1):
        contest.opens_at = now - timedelta(hours=1)
        contest.closes_at = now + timedelta(days=30)
        contest.save(update_fields=["opens_at", "closes_at", "updated_at"])
    if created:
        for i, (topic, qtype, count, points) in enumerate(rules):
            PaperRule.objects.create(
                contest=contest, topic=topic, qtype=qtype, count=count, points=Decimal(points), order=i
            )
    return contest


@transaction.atomic
def seed(ctx, stdout) -> None:
    topic, _ = Topic.objects.get_or_create(name="青少年安全知识（演示）", parent=None)
    for row in QUESTIONS:
        _question(topic, *row)
    practice_topic, _ = Topic.objects.get_or_create(name="安全知识练习题（演示）", parent=None)
    for row in PRACTICE_QUESTIONS:
        _question(practice_topic, *row)
    now = timezone.now()
    window = {"opens_at": now - timedelta(hours=1), "closes_at": now + timedelta(days=30)}
    rules = [(topic, S, 5, "6"), (topic, M, 2, "10"), (topic, T, 3, "5"), (topic, F, 1, "15")]
    formal = _contest(
        "南通市青少年安全知识竞赛",
        owner=ctx.city,
        defaults={
            **window,
            "description": "全市中小学生参加。每人一次机会，限时 20 分钟，竞赛结束后公布答案与解析。",
            "kind": ContestKind.FORMAL,
            "status": ContestStatus.PUBLISHED,
            "time_limit_s": 20 * 60,
            "attempts_allowed": 1,
            "counting": CountingRule.FIRST,
            "score_policy": ScorePolicy.IMMEDIATELY,
            "review_policy": ReviewPolicy.AFTER_CLOSE,
            "partial_credit": False,
            "freeze_minutes": 30,
        },
        rules=rules,
    )
    practice = _contest(
        "安全知识练习场",
        owner=ctx.city,
        defaults={
            **window,
            "description": "不限次数，交卷后立即看到答案与解析。",
            "kind": ContestKind.PRACTICE,
            "status": ContestStatus.PUBLISHED,
            "time_limit_s": 10 * 60,
            "attempts_allowed": 0,
            "counting": CountingRule.BEST,
            "score_policy": ScorePolicy.IMMEDIATELY,
            "review_policy": ReviewPolicy.IMMEDIATELY,
            "partial_credit": True,
        },
        rules=[(practice_topic, S, 4, "10"), (practice_topic, T, 4, "10"), (practice_topic, M, 2, "10")],
    )
    # demo databases seeded before practice got its own questions
    practice.rules.filter(topic=topic).update(topic=practice_topic)
    stdout.write(f"竞赛：{formal.title}（正式，#{formal.pk}）、{practice.title}（练习，#{practice.pk}）")
