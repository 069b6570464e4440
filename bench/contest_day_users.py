"""Who is on the platform during a contest morning (Locust users, driven by bench/contest_day.py).

Student: log in (page session; spread over the pre-bell login window, or at the bell) → contest page →
wait for the class bell → start (paper drawn) → paper
page (carries the page's Bearer token and the questions, as static/js/contest.js uses them) → 30
answers with compressed think time, the API's resync on the page's own 60 s wall-clock timer; 10% reload the paper mid-way, 5% lose the network for 30 s (compressed) and resend what
queued up; submit (a share in the last deadline window, some never: the deadline finalises them) →
result page → "my rank" over WebSocket. Beside them: big-screen and phone board viewers (WebSocket),
teachers refreshing their class's results, an organiser on the district statistics."""

from __future__ import annotations

import json
import random
import re
import time
from collections import deque
from dataclasses import dataclass, field

import gevent
import gevent.event
import websocket
from locust import FastHttpUser, User, task
from locust.exception import StopUser

TOKEN = re.compile(r'data-token="([^"]+)"')
ATTEMPT = re.compile(r"/contests/attempts/(\d+)/")
QUESTION = re.compile(r'data-qid="(\d+)" data-type="(\w+)"')
OPTION = re.compile(r'<input type="(?:radio|checkbox)" name="q\d+" value="([^"]*)"')
RESYNC_EVERY_S = 60.0  # static/js/contest.js: window.setInterval(resync, 60000)


@dataclass
class Plan:
    """Filled in by contest_day.py before the first user spawns."""

    base: str = ""
    contest_id: int = 0
    display_token: str = ""
    password: str = ""
    students: deque = field(default_factory=deque)
    phone_viewers: deque = field(default_factory=deque)
    teachers: deque = field(default_factory=deque)
    organiser: str = ""
    district_id: int = 0
    bell_at: float = 0.0
    login_from: float = 0.0  # with a pre-bell login window: logins are spread over [login_from, bell_at)
    login_window: float = 0.0
    bell_window: float = 60.0
    closes_at: float = 0.0
    deadline_window: float = 30.0
    compression: float = 10.0
    think_s: float = 25.0  # real seconds per question
    outage_s: float = 30.0  # real seconds without network
    reload_share: float = 0.10
    outage_share: float = 0.05
    late_share: float = 0.5  # submit within the last deadline window
    never_share: float = 0.10  # never submit: finalised at the deadline
    teacher_every_s: float = 20.0
    organiser_every_s: float = 30.0
    log: object = None  # JSON lines: acknowledged answers, then the viewers' last frames
    viewers: list = field(default_factory=list)
    done: dict = field(default_factory=lambda: {"completed": 0, "started": 0, "logged_in": 0})
    bell: object = field(default_factory=gevent.event.Event)  # set once bell_at and closes_at are known

    def record(self, **rec) -> None:
        self.log.write(json.dumps(rec, ensure_ascii=False) + "\n")


PLAN = Plan()


def fire(env, name: str, kind: str, started: float, exc: Exception | None = None, length: int = 0) -> None:
    env.events.request.fire(
        request_type=kind,
        name=name,
        response_time=(time.perf_counter() - started) * 1000,
        response_length=length,
        exception=exc,
        context={},
    )


class PageUser(FastHttpUser):
    abstract = True
    # a page request is bounded; the load shape, not the client, decides when users give up
    network_timeout = 60.0
    connection_timeout = 30.0

    def csrf(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    def login(self, username: str) -> None:
        self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/",
            data={"username": username, "password": PLAN.password, "csrfmiddlewaretoken": self.csrf()},
            headers={"Referer": PLAN.base + "/accounts/login/"},
            allow_redirects=False,
            name="login (session)",
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"login refused: {r.status_code}")
                raise StopUser()

    def session_cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.client.cookiejar)

    def post_form(self, path: str, name: str, data: dict | None = None):
        return self.client.post(
            path,
            data={"csrfmiddlewaretoken": self.csrf(), **(data or {})},
            headers={"Referer": PLAN.base + path},
            allow_redirects=False,
            name=name,
        )


def sleep_until(t: float) -> None:
    delay = t - time.time()
    if delay > 0:
        gevent.sleep(delay)


def board_ws_url(scope: str = "individual", display: str | None = None) -> str:
    base = PLAN.base.replace("http://", "ws://")
    extra = f"&display={display}" if display else ""
    return f"{base}/ws/contests/{PLAN.contest_id}/leaderboard/?scope={scope}{extra}"


def ws_first_frame(env, name: str, url: str, cookie: str | None) -> None:
    started = time.perf_counter()
    try:
        ws = websocket.create_connection(url, cookie=cookie, timeout=30)
        try:
            frame = ws.recv()
        finally:
            ws.close()
        fire(env, name, "WS", started, length=len(frame))
    except Exception as exc:  # noqa: BLE001 - every failure is a reported error
        fire(env, name, "WS", started, exc)


class Student(PageUser):
    fixed_count = 0  # set by contest_day.py

    @task
    def contest_morning(self):
        # One journey per simulated student: Locust reruns a task that raised, which would take the next
        # student's name and, once the list is empty, spin; so any failure ends this user instead.
        if not PLAN.students:
            raise StopUser()
        username = PLAN.students.popleft()
        try:
            self.journey(username)
        except StopUser:
            raise
        except Exception as exc:  # noqa: BLE001 - counted and reported, never retried
            PLAN.done["journey_failed"] = PLAN.done.get("journey_failed", 0) + 1
            fire(self.environment, "journey failed", "ERR", time.perf_counter(), exc)
        raise StopUser()

    def journey(self, username: str) -> None:
        rng = random.Random(username)
        if PLAN.login_window:
            # students sit down and log in during the minutes before the bell, not at it
            sleep_until(PLAN.login_from + rng.uniform(0, PLAN.login_window))
        self.login(username)
        self.client.get(f"/contests/{PLAN.contest_id}/", name="contest page")
        PLAN.done["logged_in"] += 1
        PLAN.bell.wait()
        # the class bell: most of a school starts within the first bell window
        sleep_until(PLAN.bell_at + min(rng.expovariate(3.0 / PLAN.bell_window), PLAN.bell_window * 1.5))
        r = self.post_form(f"/contests/{PLAN.contest_id}/start/", "start (paper drawn)")
        m = ATTEMPT.search(r.headers.get("location", "") if r.headers else "")
        if not m:
            raise StopUser()
        attempt_id = int(m.group(1))
        PLAN.done["started"] += 1
        paper = self.client.get(f"/contests/attempts/{attempt_id}/", name="paper page")
        token = TOKEN.search(paper.text or "")
        if not token:
            raise StopUser()
        auth = {"Authorization": f"Bearer {token.group(1)}"}
        # as static/js/contest.js: the questions are the page's own; the API is asked only on its timer
        questions = paper_questions(paper.text or "")
        if not questions:
            raise StopUser()
        self.answer_all(rng, attempt_id, questions, auth)
        self.finish(rng, attempt_id)

    def answer_all(self, rng, attempt_id: int, questions: list, auth: dict) -> None:
        reload_at = len(questions) // 2 if rng.random() < PLAN.reload_share else -1
        outage_at = rng.randrange(len(questions)) if rng.random() < PLAN.outage_share else -1
        never = rng.random() < PLAN.never_share
        think = PLAN.think_s / PLAN.compression * (2.5 if never else 1.0)
        queued: list = []
        offline_until = 0.0
        page_loaded = time.time()
        for i, q in enumerate(questions):
            gevent.sleep(rng.uniform(0.5, 1.5) * think)
            if time.time() >= PLAN.closes_at:
                return
            if i == reload_at:
                self.client.get(f"/contests/attempts/{attempt_id}/", name="paper page (reload)")
                page_loaded = time.time()
            if time.time() - page_loaded >= RESYNC_EVERY_S and time.time() >= offline_until:
                # the page's resync timer runs on the wall clock, not on the compressed think time
                self.client.get(f"/api/v1/attempts/{attempt_id}", headers=auth, name="api attempt (resync)")
                page_loaded += RESYNC_EVERY_S
            if i == outage_at:
                offline_until = time.time() + PLAN.outage_s / PLAN.compression
            answer = random_answer(q, rng)
            if time.time() < offline_until:
                queued.append((q, answer))  # the page keeps it and retries when the network is back
                continue
            for pending_q, pending in queued:
                self.save(attempt_id, pending_q["id"], pending, auth, "answer save (resend after outage)")
            queued.clear()
            self.save(attempt_id, q["id"], answer, auth, "answer save")
        for pending_q, pending in queued:
            self.save(attempt_id, pending_q["id"], pending, auth, "answer save (resend after outage)")

    def save(self, attempt_id: int, qid: int, answer, auth: dict, name: str) -> None:
        sent = time.time()
        with self.client.put(
            f"/api/v1/attempts/{attempt_id}/answers/{qid}",
            json={"answer": answer},
            headers=auth,
            name=name,
            catch_response=True,
        ) as r:
            if r.status_code == 200:
                PLAN.record(k="ack", a=attempt_id, q=qid, v=answer)
            elif r.status_code == 409 and sent >= PLAN.closes_at - 0.5:
                r.success()  # the deadline passed while it travelled: refused, as it should be

    def finish(self, rng, attempt_id: int) -> None:
        roll = rng.random()
        if roll < PLAN.never_share:
            sleep_until(PLAN.closes_at + rng.uniform(5, 15))  # comes back after the deadline
        else:
            if roll < PLAN.never_share + PLAN.late_share:
                sleep_until(PLAN.closes_at - rng.uniform(1, PLAN.deadline_window))
            if time.time() < PLAN.closes_at:
                self.post_form(f"/contests/attempts/{attempt_id}/submit/", "submit", {"autosaved": "1"})
        self.client.get(f"/contests/attempts/{attempt_id}/result/", name="result page")
        ws_first_frame(self.environment, "my rank (WebSocket)", board_ws_url(), self.session_cookie())
        PLAN.done["completed"] += 1
        raise StopUser()


def paper_questions(html: str) -> list[dict]:
    """Each question card of the paper page (competitions/paper_html.py) as the API would give it: id,
    type, option keys, number of blanks."""
    questions = []
    for card in html.split('<section class="card question"')[1:]:
        card = card.split("</section>", 1)[0]
        qid, qtype = QUESTION.search(card).groups()
        keys = [k for k in OPTION.findall(card) if qtype in ("single", "multiple")]
        questions.append(
            {"id": int(qid), "type": qtype, "options": [{"key": k} for k in keys], "blanks": card.count('type="text"')}
        )
    return questions


def random_answer(q: dict, rng: random.Random):
    keys = [o["key"] for o in q.get("options", [])]
    if q["type"] == "single":
        return [rng.choice(keys)]
    if q["type"] == "multiple":
        return sorted(rng.sample(keys, rng.randint(1, len(keys))))
    if q["type"] == "true_false":
        return rng.random() < 0.5
    return [f"答{rng.randint(1, 99)}" for _ in range(q.get("blanks", 1))]


class BoardViewer(User):
    """Big screens (display link) and phones (a student's session) watching the board until told to stop."""

    fixed_count = 0

    @task
    def watch(self):
        phone = bool(PLAN.phone_viewers) and self.phone_turn()
        cookie = None
        if phone:
            pager = _SessionOnly(self.environment)
            pager.login(PLAN.phone_viewers.popleft())
            cookie = pager.session_cookie()
        url = board_ws_url("individual", None if phone else PLAN.display_token)
        name = "board viewer (phone)" if phone else "board viewer (big screen)"
        last: dict = {"k": "viewer", "last_frame_at": None, "last_keys": None, "frames": 0}
        PLAN.viewers.append(last)
        while True:
            started = time.perf_counter()
            try:
                ws = websocket.create_connection(url, cookie=cookie, timeout=30)
                fire(self.environment, name + " connect", "WS", started)
                while True:
                    frame = json.loads(ws.recv())
                    if frame.get("type") == "leaderboard":
                        last["last_frame_at"] = time.time()
                        last["last_keys"] = [e.get("key") for e in frame.get("entries", [])]
                        last["frames"] += 1
            except (websocket.WebSocketException, OSError) as exc:
                fire(self.environment, name + " connection lost", "WS", started, exc)
                gevent.sleep(1.0)  # the page's client reconnects after a pause

    _turn = [0]

    def phone_turn(self) -> bool:
        self._turn[0] += 1
        return self._turn[0] % 2 == 0


class _SessionOnly(PageUser):
    """A page client used only to log a phone viewer in (its cookies go to the WebSocket)."""

    host = None

    def __init__(self, environment):
        type(self).host = PLAN.base
        super().__init__(environment)


class Teacher(PageUser):
    fixed_count = 0

    @task
    def refresh_class_results(self):
        teacher = PLAN.teachers[0]
        PLAN.teachers.rotate(-1)
        self.login(teacher["username"])
        while True:
            self.client.get(
                f"/contests/{PLAN.contest_id}/results/class/{teacher['class_id']}/", name="teacher class results"
            )
            gevent.sleep(PLAN.teacher_every_s)


class Organiser(PageUser):
    fixed_count = 0

    @task
    def district_statistics(self):
        self.login(PLAN.organiser)
        while True:
            self.client.get(f"/results/stats/knowledge/{PLAN.contest_id}/", name="organiser district statistics")
            gevent.sleep(PLAN.organiser_every_s)
