package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// inboxLead is a person qualified and handed to the built-in inbox.
type inboxLead struct {
	Q     *qualify.Qualifier
	Log   *eventlog.Log
	Inbox *push.Inbox
	P     identity.Person
	M     qualify.MQL
}

// qualifyToInbox scores a download and a contact form (50 behaviour
// points; a 部長 of 500 people is grade A: hot-and-fit) of visitor vis at
// the fixture's now, identified as email with fields, and hands the MQL to
// a built-in inbox the fixture's handler reads, as push would: its figures
// the MQL's. lead, when not nil, changes the lead before it is handed.
func qualifyToInbox(t *testing.T, f *fixture, vis, email string, fields map[string]string, lead func(*push.Lead)) inboxLead {
	t.Helper()
	ctx := context.Background()
	q, _, log, st := scoring(t, f)
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Inbox: inbox}
	at := f.clk.Now()
	evs := []event.Event{
		{ID: vis + "-a", Type: event.Download, VisitorID: vis, URL: "https://www.example.com/a.pdf", Timestamp: at, ReceivedAt: at},
		{ID: vis + "-b", Type: event.FormSubmit, VisitorID: vis, Timestamp: at, ReceivedAt: at, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: email, At: at, Strength: identity.Strong, Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	ms, err := q.MQLs(ctx, p.ID)
	if err != nil || len(ms) != 1 {
		t.Fatalf("MQLs %+v %v", ms, err)
	}
	m := ms[0]
	l := push.Lead{MQLID: m.ID, PersonID: p.ID, Email: m.Email, Attributes: fields, Condition: m.Condition, Reasons: m.Facts, QualifiedAt: m.At, Cycle: m.Cycle,
		BehaviourScore: m.Verdict.Behaviour, FitScore: m.Verdict.Fit, Grade: m.Verdict.Grade}
	if lead != nil {
		lead(&l)
	}
	if _, err := inbox.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	return inboxLead{Q: q, Log: log, Inbox: inbox, P: p, M: m}
}

// TestInboxCardSaysWhatTheyAsked: a sales rep without an SFA read only
// "BANT 4 of 4" on the card, never the inquiry (見積もりをお願いします…)
// nor the BANT answers: they were in the inbox's JSON alone. The card
// says what they typed and the fields they gave, BANT's first, in the
// page's language; the name, company and title lines are not repeated.
func TestInboxCardSaysWhatTheyAsked(t *testing.T) {
	f := newFixture(t)
	fields := map[string]string{"last_name": "田中", "first_name": "一郎", "company": "アクメ", "title": "部長", "employees": "500",
		"message": "見積もりをお願いします。導入時期は来期を予定しています。", "phone": "03-1234-5678", "timeframe": "3ヶ月以内", "budget": "あり"}
	qualifyToInbox(t, f, "asked-v", "tanaka@maker.example", fields, nil)
	serveScoring(t, f)
	for lang, want := range map[string][]string{
		"ja": {"MQL までに本人が伝えた内容", "入力内容：<bdi class=\"typed\">見積もりをお願いします。導入時期は来期を予定しています。</bdi>", "<li>予算：<bdi>あり</bdi></li><li>導入時期：<bdi>3ヶ月以内</bdi></li><li>電話番号：<bdi>03-1234-5678</bdi></li><li>従業員数：<bdi>500</bdi></li>"},
		"en": {"What they told us, up to the MQL", "They typed: <bdi class=\"typed\">見積もりをお願いします。", "<li>Budget: <bdi>あり</bdi></li>"},
	} {
		a := f.req("GET", "/admin/inbox?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		for _, w := range want {
			if a.code != 200 || !strings.Contains(a.body, w) {
				t.Errorf("%s: the card does not say %q: %d\n%s", lang, w, a.code, a.body)
			}
		}
		if strings.Contains(a.body, "<li>"+map[string]string{"ja": "役職", "en": "Title"}[lang]) {
			t.Errorf("%s: the title repeated among what they told", lang)
		}
	}
}

// TestInboxRejectionNeedsItsReason: the inbox's form took a rejection with
// no reason, and the reason could never be added (the same verdict again
// is a duplicate): the MQL quality report kept a rejection nobody
// explained. The form's rejection or loss without a reason records
// nothing and says so, in the page's language; with one it is recorded
// and the inbox opens at the lead's card. An API client's verdict without
// a reason is taken as before.
func TestInboxRejectionNeedsItsReason(t *testing.T) {
	f := newFixture(t)
	il := qualifyToInbox(t, f, "why-v", "why@maker.example", map[string]string{"title": "部長", "employees": "500"}, nil)
	serveScoring(t, f)
	cookie, csrf := f.login(fullToken)
	post := func(outcome, why string) answer {
		t.Helper()
		form := url.Values{"outcome": {outcome}, "why": {why}, "mql": {il.M.ID}, "back": {"inbox"}, "csrf": {csrf}}
		return f.req("POST", "/admin/people/"+il.P.ID+"/outcome", form.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded")
	}
	// A reason of direction characters alone (U+202E, U+200F) is none
	// either: kept without them, it was recorded empty.
	for i, outcome := range []string{"rejected", "lost", "rejected"} {
		why := map[bool]string{false: "  ", true: "\u202e\u200f\u3000"}[i == 2]
		a := post(outcome, why)
		loc := a.hdr.Get("Location")
		if a.code != 303 || loc != "../../inbox?lead="+il.M.ID+"&m=need-why&outcome="+outcome+"#verdict-note" {
			t.Fatalf("%s with reason %q: %d %q", outcome, why, a.code, loc)
		}
		for lang, want := range map[string]string{"en": "was not recorded: give the reason.", "ja": "は記録していません。理由を入力してください。"} {
			p := f.req("GET", "/admin/inbox?"+strings.TrimPrefix(strings.SplitN(loc, "#", 2)[0], "../../inbox?")+"&lang="+lang, "", "Cookie", cookie, "Accept", "text/html")
			if !strings.Contains(p.body, want) || !strings.Contains(p.body, `id="lead-`+il.M.ID+`"`) {
				t.Errorf("%s, %s: the inbox does not say %q:\n%s", outcome, lang, want, p.body)
			}
		}
	}
	if rec, _ := il.Q.Record(context.Background(), il.P.ID); rec.Stage != qualify.StageMQL {
		t.Fatalf("a verdict without its reason was recorded: stage %s", rec.Stage)
	}
	if a := post("rejected", "予算なし"); a.code != 303 || a.hdr.Get("Location") != "../../inbox?lead="+il.M.ID+"&m=outcome#verdict-note" {
		t.Errorf("with its reason: %d %q", a.code, a.hdr.Get("Location"))
	}
	if rec, _ := il.Q.Record(context.Background(), il.P.ID); rec.Stage != qualify.StageRecycled {
		t.Errorf("rejected with its reason: stage %s, want recycled", rec.Stage)
	}
}

// TestInboxCardSaysHowTheNameIsRead: the form's furigana (東海林 is しょうじ)
// is beside the name on the card, not among the fields below, and the
// mobile follows the phone there.
func TestInboxCardSaysHowTheNameIsRead(t *testing.T) {
	f := newFixture(t)
	fields := map[string]string{"last_name": "東海林", "first_name": "一郎", "last_name_kana": "ショウジ", "first_name_kana": "イチロウ",
		"company": "アクメ", "title": "部長", "phone": "03-1234-5678", "mobile": "090-1234-5678", "employees": "500", "budget": "あり"}
	qualifyToInbox(t, f, "kana-v", "shoji@maker.example", fields, nil)
	serveScoring(t, f)
	a := f.req("GET", "/admin/inbox?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 || !strings.Contains(a.body, `東海林 一郎</a> <span class="small muted reading"><bdi>ショウジ イチロウ</bdi></span>`) {
		t.Errorf("the card does not read the name beside it: %d\n%s", a.code, a.body)
	}
	if strings.Contains(a.body, "<li>姓（フリガナ）") || strings.Contains(a.body, "<li>名（フリガナ）") {
		t.Error("the reading repeated among what they told")
	}
	if !strings.Contains(a.body, "<li>電話番号：<bdi>03-1234-5678</bdi></li><li>携帯電話：<bdi>090-1234-5678</bdi></li>") {
		t.Errorf("the mobile does not follow the phone:\n%s", a.body)
	}
}
