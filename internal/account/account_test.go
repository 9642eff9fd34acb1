package account_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// world is scoring and accounts on an embedded store, without the feed:
// the test hands the changes over itself (twice, as at-least-once
// delivery may).
type world struct {
	t    testing.TB
	clk  *clock.Manual
	tb   table.Table
	dir  *identity.Directory
	log  *eventlog.Log
	q    *qualify.Qualifier
	book *account.Book
	sent []account.MQA
}

func newWorld(t testing.TB) *world {
	clk := clock.NewManual(t0)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	return newWorldOn(t, tb, clk)
}

// newWorldOn is newWorld on the store tb, whose clock is clk.
func newWorldOn(t testing.TB, tb table.Table, clk *clock.Manual) *world {
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, clk: clk, tb: tb, dir: &identity.Directory{T: tb, Now: clk.Now}, log: &eventlog.Log{T: tb}}
	w.q = &qualify.Qualifier{T: tb, Dir: w.dir, Log: w.log, Engine: &rulebook.Engine{R: rules}, Now: clk.Now}
	w.book = account.NewBook(tb, w.dir, w.log, w.q, rules, w.q.Engine, clk.Now)
	w.book.Send = func(_ context.Context, m account.MQA) error {
		w.sent = append(w.sent, m)
		return nil
	}
	return w
}

// person identifies a browser as someone with attributes and has them view
// a page; it returns the changes the feed would carry.
func (w *world) person(vid, email string, attrs map[string]string) []table.Change {
	w.t.Helper()
	ctx := context.Background()
	p, _, err := w.dir.Ensure(ctx, email, "form")
	if err != nil {
		w.t.Fatal(err)
	}
	if _, _, err := w.dir.Update(ctx, p.ID, attrs, nil); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.dir.LinkVisitor(ctx, vid, p.ID, w.clk.Now(), identity.Strong); err != nil {
		w.t.Fatal(err)
	}
	ev := event.Event{ID: vid + "-pv", Type: event.PageView, VisitorID: vid, URL: "https://www.example.com/pricing", Timestamp: w.clk.Now(), ReceivedAt: w.clk.Now()}
	if _, err := w.log.Append(ctx, []event.Event{ev}); err != nil {
		w.t.Fatal(err)
	}
	var cs []table.Change
	for _, k := range [][2]string{{eventlog.VisitorPK(vid), "E#" + ev.ID}, {eventlog.VisitorPK(vid), "LINK"}} {
		it, err := w.tb.Get(ctx, k[0], k[1])
		if err != nil {
			w.t.Fatal(err)
		}
		cs = append(cs, table.Change{Op: table.OpInsert, Item: it})
	}
	return cs
}

// handle runs scoring, then accounts, as app/core does.
func (w *world) handle(cs []table.Change) {
	w.t.Helper()
	ctx := context.Background()
	if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
		w.t.Fatal(err)
	}
	if n, err := w.book.HandleChanges(ctx, cs); err != nil || n != len(cs) {
		w.t.Fatalf("accounts handled %d of %d: %v", n, len(cs), err)
	}
}

func (w *world) accounts() []account.Account {
	w.t.Helper()
	as, err := w.book.List(context.Background(), account.ByScore, 0)
	if err != nil {
		w.t.Fatal(err)
	}
	return as
}

// TestFeedTwiceChangesNothing: the same changes handled again (the feed
// delivers at least once) leave the account as it was and raise no second
// MQA; the window's end lets the next one be raised.
func TestFeedTwiceChangesNothing(t *testing.T) {
	w := newWorld(t)
	a := w.person("v1", "ceo@maker.example", map[string]string{"company": "株式会社メーカー", "title": "代表取締役"})
	w.clk.Advance(time.Hour)
	b := w.person("v2", "dev@maker.example", map[string]string{"company": "メーカー", "title": "エンジニア"})
	w.handle(a)
	w.handle(b)
	first := w.accounts()
	if len(first) != 1 || len(first[0].Members) != 2 || len(w.sent) != 1 || w.sent[0].Reasons[0] != "2 people active within 14 days (at least 2)" {
		t.Fatalf("accounts %+v, sent %+v", first, w.sent)
	}
	w.handle(append(a, b...))
	again := w.accounts()
	if len(again) != 1 || again[0].Score != first[0].Score || len(again[0].MQAs) != 1 || len(w.sent) != 1 ||
		!again[0].Members[0].LastActive.Equal(first[0].Members[0].LastActive) {
		t.Fatalf("after a replay: %+v (was %+v), %d sent", again, first, len(w.sent))
	}
	// Fifteen days on, both are active again: a new window, a new MQA.
	w.clk.Advance(15 * 24 * time.Hour)
	w.handle(w.person("v3", "ceo@maker.example", nil))
	w.handle(w.person("v4", "dev@maker.example", nil))
	if as := w.accounts(); len(as[0].MQAs) != 2 || len(w.sent) != 2 || w.sent[1].N != 2 {
		t.Fatalf("next window: %+v, %d sent", as[0].MQAs, len(w.sent))
	}
}

// TestFreeMailAndNoCompanyStayOut: a free-mail address without a company
// is in no account; with a company, the company name groups it with the
// others of free mail giving it. A corporate domain giving the name founds
// its own account (an account of names alone cannot tell the company's
// domain from an impostor's: TestNamesOnlyAccountTakesNoStrangerDomain).
func TestFreeMailAndNoCompanyStayOut(t *testing.T) {
	w := newWorld(t)
	w.handle(w.person("v1", "someone@docomo.ne.jp", map[string]string{"title": "部長"}))
	if as := w.accounts(); len(as) != 0 {
		t.Fatalf("a free-mail person founded %+v", as)
	}
	// Not サンプル: what a form's example says names no company.
	w.handle(w.person("v2", "taro@gmail.com", map[string]string{"company": "（株）アクメ"}))
	w.handle(w.person("v3", "jiro@yahoo.co.jp", map[string]string{"company": "アクメ株式会社"}))
	as := w.accounts()
	if len(as) != 1 || len(as[0].Members) != 2 || !slices.Equal(as[0].Keys, []string{"n:アクメ"}) {
		t.Fatalf("by company name: %+v", as)
	}
	w.handle(w.person("v4", "hanako@acme.co.jp", map[string]string{"company": "アクメ株式会社"}))
	if as := w.accounts(); len(as) != 2 || w.keyOwner("d:acme.co.jp") == w.keyOwner("n:アクメ") {
		t.Fatalf("a corporate domain by the name alone: %+v", as)
	}
}

// TestErasureWinsARace: a person being erased (their tombstone written,
// the Forgetters not yet done) is not written back into an account by a
// refresh that read them before.
func TestErasureWinsARace(t *testing.T) {
	w := newWorld(t)
	cs := w.person("v1", "leaving@maker.example", map[string]string{"company": "Maker", "title": "部長"})
	if _, err := scorefeed.HandleChanges(context.Background(), w.q, cs, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.tb.Put(context.Background(), table.Item{PK: privacy.TombstonePK("leaving@maker.example"), SK: "TOMB", Kind: privacy.KindTombstone}, table.Always); err != nil {
		t.Fatal(err)
	}
	if n, err := w.book.HandleChanges(context.Background(), cs); err != nil || n != len(cs) {
		t.Fatalf("%d %v", n, err)
	}
	if as := w.accounts(); len(as) != 0 {
		t.Fatalf("the erased person founded %+v", as)
	}
}

// BenchmarkRefreshBigAccount: what keeping an account current costs per
// person refresh (one event of a member), with the members kept inside the
// account item, against an account of 10 and of 300 people.
func BenchmarkRefreshBigAccount(b *testing.B) {
	for _, size := range []int{10, 300} {
		b.Run(fmt.Sprintf("members=%d", size), func(b *testing.B) {
			w := newWorld(b)
			var last []table.Change
			for i := range size {
				last = w.person(fmt.Sprintf("v%d", i), fmt.Sprintf("p%d@big.example", i), map[string]string{"company": "Big", "title": "担当"})
				w.handle(last)
			}
			if as := w.accounts(); len(as) != 1 || len(as[0].Members) != size {
				b.Fatalf("%d accounts", len(as))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := w.book.HandleChanges(context.Background(), last); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSFAValuesWin: what the SFA keeps of the company takes precedence over
// what its people gave, in its attributes and so in its fit.
func TestSFAValuesWin(t *testing.T) {
	w := newWorld(t)
	w.handle(w.person("v1", "a@shop.example", map[string]string{"company": "Shop", "industry": "小売"}))
	before := w.accounts()[0]
	if before.Attributes["industry"] != "小売" {
		t.Fatalf("attributes %v", before.Attributes)
	}
	if err := w.book.SetSFA(context.Background(), before.ID, map[string]string{"industry": "製造業", "owner": "ignored"}); err != nil {
		t.Fatal(err)
	}
	after := w.accounts()[0]
	if after.Attributes["industry"] != "製造業" || after.Fit != before.Fit+20 || after.Score != before.Score+20 || after.SFA["owner"] != "" {
		t.Fatalf("before %+v, after %+v", before, after)
	}
	// A member's refresh keeps the SFA's value.
	w.handle(w.person("v2", "b@shop.example", map[string]string{"company": "Shop", "industry": "小売"}))
	if a := w.accounts()[0]; a.Attributes["industry"] != "製造業" {
		t.Fatalf("after a refresh: %v", a.Attributes)
	}
}

// failedHandOver makes an account whose MQA (raised by b's changes) was
// not handed over: the queue was down. It returns the two members' changes
// and what sends MQAs (the world's own, Send is left failing).
func failedHandOver(t *testing.T) (w *world, a, b []table.Change, send func(context.Context, account.MQA) error) {
	w = newWorld(t)
	send = w.book.Send
	w.book.Send = func(context.Context, account.MQA) error { return errors.New("queue down") }
	a = w.person("v1", "ceo@maker.example", map[string]string{"company": "株式会社メーカー", "title": "代表取締役"})
	w.clk.Advance(time.Hour)
	b = w.person("v2", "dev@maker.example", map[string]string{"company": "メーカー", "title": "エンジニア"})
	ctx := context.Background()
	w.handle(a)
	if _, err := scorefeed.HandleChanges(ctx, w.q, b, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.book.HandleChanges(ctx, b); err == nil {
		t.Fatal("a failed hand-over was not reported: the batch would be acknowledged")
	}
	return w, a, b, send
}

// TestFailedHandOverIsRetried: an MQA whose hand-over failed is sent when
// the changes come again, though nothing about the members changed.
func TestFailedHandOverIsRetried(t *testing.T) {
	w, _, b, send := failedHandOver(t)
	w.book.Send = send
	w.handle(b) // the feed delivers the batch again
	if len(w.sent) != 1 || !strings.Contains(w.sent[0].ID, "-q1-") {
		t.Fatalf("after the replay %d MQAs sent: %+v", len(w.sent), w.sent)
	}
}

// TestMQAIdsAreNeverReused: an account erased with its last member and
// founded again from the same domain raises MQAs under new ids (delivery
// is idempotent by id: a reused id would be skipped as delivered).
func TestMQAIdsAreNeverReused(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	raise := func(suffix string) {
		w.handle(w.person("v1"+suffix, "ceo-"+suffix+"@maker.example", map[string]string{"company": "株式会社メーカー", "title": "代表取締役"}))
		w.clk.Advance(time.Hour)
		w.handle(w.person("v2"+suffix, "dev-"+suffix+"@maker.example", map[string]string{"company": "メーカー", "title": "エンジニア"}))
	}
	raise("a")
	e := &privacy.Eraser{T: w.tb, People: &identity.Stitcher{Dir: w.dir, Log: w.log}, Now: w.clk.Now}
	e.Register(w.q, w.book)
	for _, email := range []string{"ceo-a@maker.example", "dev-a@maker.example"} {
		p, err := w.dir.ByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Erase(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	w.clk.Advance(time.Hour)
	raise("b")
	if len(w.sent) != 2 || w.sent[0].Account != w.sent[1].Account || w.sent[0].ID == w.sent[1].ID {
		t.Fatalf("MQAs sent %+v", w.sent)
	}
}

// TestSplitNameStays: the name an operator gives a split account stays
// when its people, who give their company's name, are refreshed.
func TestSplitNameStays(t *testing.T) {
	w := newWorld(t)
	w.handle(w.person("v1", "a@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	w.handle(w.person("v2", "b@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	as := w.accounts()
	b, err := w.dir.ByEmail(context.Background(), "b@kaisha.example")
	if err != nil || len(as) != 1 {
		t.Fatalf("%v %+v", err, as)
	}
	split, err := w.book.Split(context.Background(), as[0].ID, []string{b.ID}, "カイシャ 大阪支社")
	if err != nil || split.Name != "カイシャ 大阪支社" {
		t.Fatalf("split: %+v %v", split, err)
	}
	// A split naming someone not in the account says so, even when the
	// account has one member left.
	if _, err := w.book.Split(context.Background(), split.ID, []string{"p_stranger"}, ""); err == nil || !strings.Contains(err.Error(), "p_stranger is not in account") {
		t.Errorf("split of a stranger from a one-member account: %v", err)
	}
	w.clk.Advance(48 * time.Hour) // another day: the refresh rewrites the account
	w.handle(w.person("v3", "b@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	got, err := w.book.Get(context.Background(), split.ID)
	if err != nil || got.Name != "カイシャ 大阪支社" || len(got.Members) != 1 || got.UpdatedAt.Equal(split.UpdatedAt) {
		t.Fatalf("after their refresh: %+v %v", got, err)
	}
}

// TestErasureReachesMQAsAfterAMerge: an MQA raised in the account a
// person's account was merged into forgets them too (their own record
// still names the account they started in).
func TestErasureReachesMQAsAfterAMerge(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.handle(w.person("v0", "buyer@other.example", map[string]string{"company": "Other"}))
	w.handle(w.person("v1", "ceo@maker.example", map[string]string{"company": "株式会社メーカー", "title": "代表取締役"}))
	var into, from string
	for _, a := range w.accounts() {
		if a.Name == "Other" {
			into = a.ID
		} else {
			from = a.ID
		}
	}
	if into == "" || from == "" {
		t.Fatalf("accounts %+v", w.accounts())
	}
	if _, err := w.book.Merge(ctx, into, from); err != nil {
		t.Fatal(err)
	}
	w.clk.Advance(time.Hour)
	// The merge raised the MQA (the CEO beside the buyer); a colleague's
	// activity raises none more within its window. The CEO's own record
	// still names the account they started in.
	w.handle(w.person("v2", "dev@maker.example", map[string]string{"company": "メーカー", "title": "エンジニア"}))
	ms, err := w.book.MQAs(ctx, into)
	if err != nil || len(ms) != 1 {
		t.Fatalf("MQAs of the merged account: %+v %v", ms, err)
	}
	e := &privacy.Eraser{T: w.tb, People: &identity.Stitcher{Dir: w.dir, Log: w.log}, Now: w.clk.Now}
	e.Register(w.q, w.book)
	p, err := w.dir.ByEmail(ctx, "ceo@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Erase(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	ms, err = w.book.MQAs(ctx, into)
	if err != nil || len(ms) != 1 {
		t.Fatalf("MQAs of the merged account after the erasure: %+v %v", ms, err)
	}
	buyer := false
	for _, x := range ms[0].People {
		if x.Email == "ceo@maker.example" {
			t.Fatalf("the erased person is still in MQA %s", ms[0].ID)
		}
		buyer = buyer || x.Email == "buyer@other.example"
	}
	if !buyer {
		t.Fatalf("MQA %s lost the colleague it named: %+v", ms[0].ID, ms[0].People)
	}
}

// TestConcurrentHandOvers: two lanes refreshing members of one account hand
// its MQA over at the same time; the one that marks it sent second is not
// an error (the batch would stop the feed), and the MQA stays sent.
func TestConcurrentHandOvers(t *testing.T) {
	w, a, b, send := failedHandOver(t)
	ctx := context.Background()
	// The batch comes again; while this delivery hands the MQA over, the
	// other lane's delivery of it completes.
	other := false
	w.book.Send = func(ctx context.Context, m account.MQA) error {
		if !other {
			other = true
			if _, err := w.book.HandleChanges(ctx, a); err != nil {
				t.Fatalf("the other lane: %v", err)
			}
		}
		return send(ctx, m)
	}
	if n, err := w.book.HandleChanges(ctx, b); err != nil || n != len(b) {
		t.Fatalf("the lane that marked the MQA second: %d of %d, %v", n, len(b), err)
	}
	if !other || len(w.sent) != 2 || w.sent[0].ID != w.sent[1].ID {
		t.Fatalf("hand-overs: %+v", w.sent)
	}
	w.handle(b) // and again: it is sent, nothing more goes
	if len(w.sent) != 2 {
		t.Fatalf("a sent MQA went again: %d hand-overs", len(w.sent))
	}
}

// TestActivityDaysAreTheConfiguredZones: a known member's page view within
// the same day leaves the account item alone, and "the same day" is the
// configured time zone's (JST), not UTC's: 00:30 JST after 23:30 JST the
// evening before brings their points and activity in (both are one UTC
// day), and 09:30 JST after 08:30 JST does not (a new UTC day begins at
// 09:00 JST).
func TestActivityDaysAreTheConfiguredZones(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t)
	w.book.Loc = tokyo
	d := t0.In(tokyo)
	at := func(day, hour, min int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day()+day, hour, min, 0, 0, tokyo)
	}
	n := 0
	view := func(when time.Time) account.Member {
		t.Helper()
		w.clk.Set(when)
		n++
		w.handle(w.person(fmt.Sprintf("v%d", n), "buyer@maker.example", map[string]string{"company": "Maker", "title": "部長"}))
		as := w.accounts()
		if len(as) != 1 || len(as[0].Members) != 1 {
			t.Fatalf("accounts %+v", as)
		}
		return as[0].Members[0]
	}
	for _, c := range []struct {
		first, then time.Time
		rewritten   bool
	}{
		// First, while their points stay in one band (cold: below 30):
		// crossing one rewrites the account whatever the day.
		{at(1, 8, 30), at(1, 9, 30), false}, // one JST day, UTC midnight between
		{at(2, 23, 30), at(3, 0, 30), true}, // JST midnight between, one UTC day
	} {
		view(c.first)
		m := view(c.then)
		want := c.first
		if c.rewritten {
			want = c.then
		}
		if !m.LastActive.Equal(want) {
			t.Errorf("views at %s then %s: the account shows activity at %s, want %s", c.first.Format("01-02 15:04 MST"), c.then.Format("01-02 15:04 MST"),
				m.LastActive.In(tokyo).Format("01-02 15:04 MST"), want.Format("01-02 15:04 MST"))
		}
	}
}

// TestBandCrossingRewritesTheAccount: within one day a member's new points
// are held back from the account item (write units), but not once they
// cross a behaviour band (cold 11 and 26, warm 41): a list sorted by score
// and the MQA judge see the member's band as it is.
func TestBandCrossingRewritesTheAccount(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.handle(w.person("v1", "buyer@maker.example", map[string]string{"company": "Maker", "title": "エンジニア"}))
	download := func(id string) {
		t.Helper()
		w.clk.Advance(time.Minute)
		ev := event.Event{ID: id, Type: event.Download, VisitorID: "v1", URL: "https://www.example.com/files/" + id + ".pdf", Timestamp: w.clk.Now(), ReceivedAt: w.clk.Now()}
		if _, err := w.log.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		it, err := w.tb.Get(ctx, eventlog.VisitorPK("v1"), "E#"+id)
		if err != nil {
			t.Fatal(err)
		}
		w.handle([]table.Change{{Op: table.OpInsert, Item: it}})
	}
	shown := func() float64 {
		t.Helper()
		as := w.accounts()
		if len(as) != 1 || len(as[0].Members) != 1 {
			t.Fatalf("accounts %+v", as)
		}
		return as[0].Members[0].Behaviour
	}
	if got := shown(); got != 11 {
		t.Fatalf("after the pricing page: %v", got)
	}
	download("wp1")
	if got := shown(); got != 11 {
		t.Fatalf("26 points within the cold band, the same day: the account item shows %v, want 11 (held back)", got)
	}
	download("wp2")
	if got := shown(); got != 41 {
		t.Fatalf("41 points, warm: the account item shows %v, want 41", got)
	}
}

// TestBranchSpellingDoesNotNameTheAccount: three people of one company
// gave it as 株式会社アクメ, (株)アクメ and 株式会社アクメ 東京支店, the
// branch's practitioner last, leaving 従業員数 at a dropdown's 250-999
// where the CEO chose 1000+. The account was named after the branch and
// said 250-999; it is named 株式会社アクメ (its 会社名 too) and says 1000+.
func TestBranchSpellingDoesNotNameTheAccount(t *testing.T) {
	w := newWorld(t)
	for _, p := range []struct{ vid, email, company, title, employees string }{
		{"v1", "ceo@acme.co.jp", "株式会社アクメ", "代表取締役社長", "1000+"},
		{"v2", "sato@acme.co.jp", "(株)アクメ", "", ""},
		{"v3", "tanaka@acme.co.jp", "株式会社アクメ 東京支店", "営業担当", "250-999"},
	} {
		w.clk.Advance(time.Hour)
		attrs := map[string]string{"company": p.company, "title": p.title}
		if p.employees != "" {
			attrs["employees"] = p.employees
		}
		w.handle(w.person(p.vid, p.email, attrs))
	}
	as := w.accounts()
	if len(as) != 1 || len(as[0].Members) != 3 {
		t.Fatalf("accounts %+v", as)
	}
	a, err := w.book.Get(context.Background(), as[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "株式会社アクメ" || a.Attributes["company"] != "株式会社アクメ" || a.Attributes["employees"] != "1000+" {
		t.Errorf("name %q, attributes %v", a.Name, a.Attributes)
	}
}
