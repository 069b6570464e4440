"""The answer page's cards are built in Python for speed: the markup must stay what the template loops
gave (the original loops are kept here verbatim and rendered side by side), every input escaped."""

import re

from django.template import Context, Template

from competitions.paper_html import answer_sheet, question_cards

ORIGINAL_LOOPS = """{% load i18n %}
  {% for q in questions %}
  <section class="card question" id="q-{{ q.number }}" data-qid="{{ q.id }}" data-type="{{ q.type }}" data-number="{{ q.number }}">
    <fieldset>
      <legend><h3>{{ q.number }}. <span class="badge">{% if q.type == "single" %}{% translate "单选题" %}{% elif q.type == "multiple" %}{% translate "多选题" %}{% elif q.type == "true_false" %}{% translate "判断题" %}{% else %}{% translate "填空题" %}{% endif %}</span></h3></legend>
      <p class="stem">{{ q.stem|linebreaksbr }}</p>
      {% if q.type == "single" or q.type == "multiple" %}
        {% for o in q.options %}
        <label class="choice"><input type="{% if q.type == 'single' %}radio{% else %}checkbox{% endif %}" name="q{{ q.id }}" value="{{ o.key }}"
          {% if o.key in q.saved %}checked{% endif %}> <b>{{ o.key }}.</b> <span>{{ o.text }}</span></label>
        {% endfor %}
      {% elif q.type == "true_false" %}
        <label class="choice"><input type="radio" name="q{{ q.id }}" value="true" {% if q.saved is True %}checked{% endif %}> {% translate "正确" %}</label>
        <label class="choice"><input type="radio" name="q{{ q.id }}" value="false" {% if q.saved is False %}checked{% endif %}> {% translate "错误" %}</label>
      {% else %}
        {% for i in q.blank_range %}
        <div class="field"><label for="q{{ q.id }}_{{ i }}">{% blocktranslate with n=forloop.counter %}第 {{ n }} 空{% endblocktranslate %}</label>
          <input type="text" id="q{{ q.id }}_{{ i }}" name="q{{ q.id }}_{{ i }}" maxlength="500" autocomplete="off"
            value="{% for v in q.saved %}{% if forloop.counter0 == i %}{{ v }}{% endif %}{% endfor %}"></div>
        {% endfor %}
      {% endif %}
    </fieldset>
  </section>
  {% endfor %}
  |SHEET|
  {% for q in questions %}<li><a href="#q-{{ q.number }}" data-sheet="{{ q.id }}" {% if q.saved is not None %}class="answered"{% endif %}>{{ q.number }}</a></li>{% endfor %}
"""

EVIL = "<script>alert(\"x\")</script> & 'q'"


def _questions():
    choice = [{"key": k, "text": t} for k, t in (("A", "甲"), ("B", EVIL), ("C", "丙"))]
    rows = [
        ("single", choice, 0, ["B"]),
        ("single", choice, 0, None),
        ("multiple", choice, 0, ["A", "C"]),
        ("multiple", choice, 0, True),  # malformed saved value: nothing checked, no error
        ("true_false", [], 0, True),
        ("true_false", [], 0, False),
        ("true_false", [], 0, None),
        ("fill_blank", [], 3, ["第一", EVIL]),
        ("fill_blank", [], 2, None),
        ("fill_blank", [], 1, ["", "extra"]),
    ]
    return [
        {
            "id": 100 + n,
            "number": n,
            "type": t,
            "stem": f"第{n}题\n第二行 {EVIL}",
            "options": o,
            "blanks": b,
            "saved": s,
            "blank_range": range(b),
        }  # fmt: skip
        for n, (t, o, b, s) in enumerate(rows, start=1)
    ]


def _normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r"\s+>", ">", html)
    return re.sub(r">\s+<", "><", html).strip()


def test_python_built_cards_and_sheet_equal_the_template_loops():
    questions = _questions()
    expected_cards, expected_sheet = Template(ORIGINAL_LOOPS).render(Context({"questions": questions})).split("|SHEET|")
    assert _normalised(question_cards(questions)) == _normalised(expected_cards)
    assert _normalised(answer_sheet(questions)) == _normalised(expected_sheet)


def test_every_student_visible_text_is_escaped():
    html = question_cards(_questions())
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "第1题<br>第二行" in html
    assert 'value="B" checked>' in html and 'value="true" checked>' in html
