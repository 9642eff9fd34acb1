package account_test

import (
	"context"
	"testing"
	"time"
)

// TestMergeRaisesTheMQAItCompletes: Acme's 部長 writes from acme.co.jp, its
// 担当 from acme.com (株式会社アクメ both): two accounts of one person each,
// neither an MQA (two people, a decision maker among them). The operator
// merges them as the page suggests; the merged account qualifies, but no MQA
// was raised until one of them came back, so a buying group that had done
// its reading within the window and did not return was never handed to
// sales. Now the merge raises it, once (the window holds), and hands it over.
func TestMergeRaisesTheMQAItCompletes(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.handle(w.person("v1", "tanaka@acme.co.jp", map[string]string{"company": "株式会社アクメ", "title": "マーケティング部 部長"}))
	w.clk.Advance(time.Hour)
	w.handle(w.person("v2", "suzuki@acme.com", map[string]string{"company": "アクメ株式会社", "title": "担当"}))
	as := w.accounts()
	if len(as) != 2 || len(w.sent) != 0 {
		t.Fatalf("want two accounts and no MQA before the merge: %d accounts, %d MQAs", len(as), len(w.sent))
	}
	var into, from string
	for _, a := range as {
		if a.Keys[0] == "d:acme.co.jp" {
			into = a.ID
		} else {
			from = a.ID
		}
	}
	w.clk.Advance(3 * 24 * time.Hour) // the operator merges days later; nobody comes back
	m, err := w.book.Merge(ctx, into, from)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.MQAs) != 1 || len(w.sent) != 1 || w.sent[0].Account != into || len(w.sent[0].People) != 2 {
		t.Fatalf("the merged account qualifies: want its MQA raised and sent, got %v, sent %+v", m.MQAs, w.sent)
	}
	if got, err := w.book.MQAs(ctx, into); err != nil || len(got) != 1 || !got[0].Sent {
		t.Fatalf("the MQA stored, marked sent: %+v %v", got, err)
	}
	// A member's next activity within the window raises no second one.
	w.clk.Advance(time.Hour)
	w.handle(w.person("v3", "tanaka@acme.co.jp", map[string]string{"company": "株式会社アクメ", "title": "マーケティング部 部長"}))
	if a, err := w.book.Get(ctx, into); err != nil || len(a.MQAs) != 1 || len(w.sent) != 1 {
		t.Fatalf("one MQA a window: %+v %v, sent %d", a.MQAs, err, len(w.sent))
	}
}

// TestMergeKeepsTheWindowOfAnMQARaised: the account merged away raised its
// MQA two days before; the merged account raises none within that window.
func TestMergeKeepsTheWindowOfAnMQARaised(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.handle(w.person("v1", "sato@acme.com", map[string]string{"company": "アクメ株式会社", "title": "部長"}))
	w.clk.Advance(time.Hour)
	w.handle(w.person("v2", "suzuki@acme.com", map[string]string{"company": "アクメ株式会社", "title": "担当"}))
	w.clk.Advance(time.Hour)
	w.handle(w.person("v3", "tanaka@acme.co.jp", map[string]string{"company": "株式会社アクメ", "title": "課長"}))
	if len(w.sent) != 1 {
		t.Fatalf("acme.com's MQA: %d", len(w.sent))
	}
	from := w.sent[0].Account
	var into string
	for _, a := range w.accounts() {
		if a.ID != from {
			into = a.ID
		}
	}
	w.clk.Advance(2 * 24 * time.Hour)
	m, err := w.book.Merge(ctx, into, from)
	if err != nil || len(m.MQAs) != 0 || len(w.sent) != 1 {
		t.Fatalf("within the window of the MQA merged in: %+v %v, sent %d", m.MQAs, err, len(w.sent))
	}
	// The merged account's page lists the MQA holding its window (it said
	// "No MQA yet."); it stays stored where it was raised.
	if ms, err := w.book.ShownMQAs(ctx, m); err != nil || len(ms) != 1 || ms[0].ID != w.sent[0].ID || ms[0].Account != from {
		t.Fatalf("the merged account's MQAs shown: %+v %v", ms, err)
	}
	if own, err := w.book.MQAs(ctx, into); err != nil || len(own) != 0 {
		t.Fatalf("the merged account's own partition: %+v %v", own, err)
	}
}
