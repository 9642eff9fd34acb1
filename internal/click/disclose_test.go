package click_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/click"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// TestDiscloseShowsWhatForgetRemoves: a recipient's disclosure is what the
// erasure of their tracked-link data removes, kind for kind and count for
// count (click memory, event references, campaign records, the stored
// clicks and opens decoded, clicks waiting to be judged); it shows nobody
// else's and writes nothing.
func TestDiscloseShowsWhatForgetRemoves(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	bob, _, err := e.dir.Ensure(ctx, "bob@example.com", "list")
	if err != nil {
		t.Fatal(err)
	}
	tok := "/ok-" + e.ann.ID + "-nov-news"
	e.get("GET", "/c/"+e.link.ID+tok, "ann-laptop")
	e.clk.Set(e.clk.Now().Add(time.Minute))
	e.get("GET", "/c/"+e.link.ID+tok, "ann-laptop")
	e.get("GET", "/o/nov-news"+tok+".gif", "")
	e.get("GET", "/c/"+e.link.ID+"/ok-"+bob.ID+"-nov-news", "bob-laptop")
	e.get("GET", "/o/nov-news/ok-"+bob.ID+"-nov-news.gif", "")

	ann := privacy.Subject{Person: e.ann.ID, Email: "ann@example.com"}
	d, err := e.h.Disclose(ctx, ann)
	if err != nil {
		t.Fatal(err)
	}
	counts := d.Counts()
	t.Logf("disclosed %v", counts)
	for _, k := range []string{click.KindClick, click.KindEventRef, click.KindActivity, eventlog.KindEvent, click.KindDue} {
		if counts[k] == 0 {
			t.Errorf("nothing disclosed of kind %s: %v (the fixture proves less)", k, counts)
		}
	}
	if counts[eventlog.KindEvent] != 3 || counts[click.KindActivity] != 3 {
		t.Errorf("disclosed %v, want her two clicks and one open", counts)
	}
	types := map[string]int{}
	for _, doc := range d[eventlog.KindEvent] {
		var ev event.Event
		if err := json.Unmarshal(doc, &ev); err != nil || ev.ID == "" {
			t.Fatalf("event shown as %s (%v)", doc, err)
		}
		if ev.Properties["person"] != e.ann.ID && ev.UserID != e.ann.ID {
			t.Errorf("an event not hers: %s", doc)
		}
		types[ev.Type]++
	}
	if types[event.EmailClick] != 2 || types[event.EmailOpen] != 1 {
		t.Errorf("events by type %v", types)
	}
	all, _ := json.Marshal(d)
	if strings.Contains(string(all), bob.ID) || strings.Contains(string(all), "bob-laptop") {
		t.Errorf("the disclosure shows another person's: %s", all)
	}
	// Reading writes nothing: the store is as it was.
	before := dump(t, e)
	if again, err := e.h.Disclose(ctx, ann); err != nil || fmt.Sprint(again.Counts()) != fmt.Sprint(counts) {
		t.Fatalf("disclosing again: %v %v", again.Counts(), err)
	}
	if after := dump(t, e); after != before {
		t.Fatal("Disclose changed the store")
	}
	r, err := e.h.Forget(ctx, ann)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(r) != fmt.Sprint(counts) {
		t.Fatalf("forget removed %v, the disclosure showed %v", r, counts)
	}
	if d, err := e.h.Disclose(ctx, ann); err != nil || d.Counts().Total() != 0 {
		t.Fatalf("after the erasure: %v %v", d.Counts(), err)
	}
	if d, err := e.h.Disclose(ctx, privacy.Subject{Person: bob.ID}); err != nil || d.Counts()[eventlog.KindEvent] != 2 {
		t.Fatalf("bob's after hers was erased: %v %v", d.Counts(), err)
	}
}

// dump is the whole store, keys, versions and data.
func dump(t *testing.T, e *env) string {
	var b strings.Builder
	err := e.reg.T.Scan(context.Background(), "", func(it table.Item) error {
		fmt.Fprintf(&b, "%s|%s|%s|%d|%x\n", it.PK, it.SK, it.Kind, it.Version, it.Data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestDiscloseSaysWhatKeysHold: what a click item's key holds is in the
// file: a click's campaign, the event a reference is to, the campaign and
// event a click waiting to be judged is (not the internal key it named it
// by). Two references to one campaign read alike without, a click had no
// campaign, a waiting click said C#nov-news#0179…#….
func TestDiscloseSaysWhatKeysHold(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tok := "/ok-" + e.ann.ID + "-nov-news"
	e.get("GET", "/c/"+e.link.ID+tok, "ann-laptop")
	e.get("GET", "/o/nov-news"+tok+".gif", "")
	d, err := e.h.Disclose(ctx, privacy.Subject{Person: e.ann.ID, Email: "ann@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	events := map[string]bool{}
	for _, doc := range d[eventlog.KindEvent] {
		var ev event.Event
		if err := json.Unmarshal(doc, &ev); err != nil {
			t.Fatal(err)
		}
		events[ev.ID] = true
	}
	refs := map[string]bool{}
	for _, doc := range d[click.KindEventRef] {
		var ref map[string]string
		if err := json.Unmarshal(doc, &ref); err != nil || ref["campaign"] != "nov-news" || !events[ref["event"]] {
			t.Errorf("reference shown as %s (events %v)", doc, events)
		}
		refs[ref["event"]] = true
	}
	if len(refs) != 2 || len(events) != 2 {
		t.Errorf("references to %v, events %v", refs, events)
	}
	for kind, docs := range map[string][]json.RawMessage{click.KindClick: d[click.KindClick], click.KindDue: d[click.KindDue]} {
		if len(docs) != 1 {
			t.Fatalf("%s: %s", kind, docs)
		}
		var m map[string]any
		if err := json.Unmarshal(docs[0], &m); err != nil || m["campaign"] != "nov-news" || !events[fmt.Sprint(m["event"])] || m["memo"] != nil {
			t.Errorf("%s shown as %s", kind, docs[0])
		}
	}
}

// TestDiscloseAClickThatCannotBeRead: a stored click the event log cannot
// decode failed the whole disclosure (a 500), while the erasure deletes it
// all the same. It is shown, saying so, and counted as the erasure counts.
func TestDiscloseAClickThatCannotBeRead(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.get("GET", "/c/"+e.link.ID+"/ok-"+e.ann.ID+"-nov-news", "ann-laptop")
	ann := privacy.Subject{Person: e.ann.ID, Email: "ann@example.com"}
	d, err := e.h.Disclose(ctx, ann)
	if err != nil || len(d[eventlog.KindEvent]) != 1 {
		t.Fatalf("disclose: %v %v", d.Counts(), err)
	}
	var ev event.Event
	if err := json.Unmarshal(d[eventlog.KindEvent][0], &ev); err != nil || ev.ID == "" {
		t.Fatalf("event %s", d[eventlog.KindEvent][0])
	}
	it, err := e.h.T.Get(ctx, eventlog.VisitorPK(ev.VisitorID), "E#"+ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	it.Data = []byte{0xff, 0x00, 0x13} // no event the log can decode
	if err := e.h.T.Put(ctx, it, table.Always); err != nil {
		t.Fatal(err)
	}
	d, err = e.h.Disclose(ctx, ann)
	if err != nil || len(d[eventlog.KindEvent]) != 1 || !strings.Contains(string(d[eventlog.KindEvent][0]), "unreadable") {
		t.Fatalf("disclose with an unreadable click: %v %v", d, err)
	}
	r, err := e.h.Forget(ctx, ann)
	if err != nil || fmt.Sprint(r) != fmt.Sprint(d.Counts()) {
		t.Errorf("erased %v (%v), disclosed %v", r, err, d.Counts())
	}
}
