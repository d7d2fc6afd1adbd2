"""F13 for moto_launcher.py: CloudWatch Logs JSON filter patterns (FilterLogEvents).

moto 5.2.1 understands plain and quoted terms only; any other pattern, such as `{ $.status >= 400 }`, is an
"unsupported" pattern that matches every event (getmoto/moto#2419). AWS evaluates JSON patterns against events whose
message is a JSON object: `{ SELECTOR OP VALUE }` with `$.a.b` (and `$.a[0]`) selectors, `=` and `!=` on strings
(`*` a wildcard, quoted or not) or numbers, `<`, `<=`, `>`, `>=` on numbers, `IS NULL`, `NOT EXISTS`, `IS TRUE`,
`IS FALSE`, combined with `&&`, `||` and parentheses. We evaluate exactly that; an event that is not JSON, or that
lacks the selected field, does not match (AWS: the same). Plain and quoted terms keep moto's own matching.
"""
import fnmatch
import json
import re

_TOKEN = re.compile(r'\s*(\(|\)|&&|\|\||"(?:[^"\\]|\\.)*"|[^\s()&|]+)')
_MISSING = object()


def _tokens(text):
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError("bad JSON filter pattern near " + text[pos:])
        out.append(m.group(1))
        pos = m.end()
    return out


def _select(doc, selector):
    value = doc
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", selector[1:]):
        key, index = part
        if key:
            if not isinstance(value, dict) or key not in value:
                return _MISSING
            value = value[key]
        else:
            if not isinstance(value, list) or int(index) >= len(value):
                return _MISSING
            value = value[int(index)]
    return value


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _compare(value, op, operand):
    if value is _MISSING:
        return op == "NOT EXISTS"
    if op == "NOT EXISTS":
        return False
    if op in ("IS NULL", "IS TRUE", "IS FALSE"):
        return value is {"IS NULL": None, "IS TRUE": True, "IS FALSE": False}[op]
    quoted = operand.startswith('"')
    text = json.loads(operand) if quoted else operand
    number = None if quoted else _number(operand)
    if number is not None and not isinstance(value, bool) and isinstance(value, (int, float)):
        return {"=": value == number, "!=": value != number, "<": value < number, "<=": value <= number,
                ">": value > number, ">=": value >= number}[op]
    if op in ("=", "!=") and isinstance(value, str):
        same = fnmatch.fnmatchcase(value, text) if "*" in text else value == text
        return same if op == "=" else not same
    return op == "!=" and number is None


def _parse(tokens):
    """A matcher for `expr := term (('&&'|'||') term)*` with && binding tighter, over the tokens inside { }."""
    pos = 0

    def term():
        nonlocal pos
        if tokens[pos] == "(":
            pos += 1
            inner = disjunction()
            pos += 1  # ")"
            return inner
        selector = tokens[pos]
        rest = tokens[pos + 1:pos + 3]
        if rest[:2] == ["NOT", "EXISTS"] or rest[:2] in (["IS", "NULL"], ["IS", "TRUE"], ["IS", "FALSE"]):
            op, operand, pos = " ".join(rest[:2]), None, pos + 3
        else:
            op, operand, pos = tokens[pos + 1], tokens[pos + 2], pos + 3
        return lambda doc: _compare(_select(doc, selector), op, operand)

    def conjunction():
        nonlocal pos
        parts = [term()]
        while pos < len(tokens) and tokens[pos] == "&&":
            pos += 1
            parts.append(term())
        return lambda doc: all(p(doc) for p in parts)

    def disjunction():
        nonlocal pos
        parts = [conjunction()]
        while pos < len(tokens) and tokens[pos] == "||":
            pos += 1
            parts.append(conjunction())
        return lambda doc: any(p(doc) for p in parts)

    return disjunction()


class JsonPatternFilter:
    def __init__(self, pattern):
        body = pattern.strip()[1:-1]
        self._matcher = _parse(_tokens(body))

    def matches(self, message):
        try:
            doc = json.loads(message)
        except (TypeError, ValueError):
            return False
        return isinstance(doc, dict) and self._matcher(doc)


def install():
    from moto.logs import models as logs_models

    plain = logs_models.EventMessageFilter

    def event_filter(pattern):
        text = (pattern or "").strip()
        if text.startswith("{") and text.endswith("}"):
            return JsonPatternFilter(text)
        return plain(pattern)

    logs_models.EventMessageFilter = event_filter
