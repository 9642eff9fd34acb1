package rulebook

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestStateBounded: however long the history, the state keeps at most
// maxSeen events (whole days, oldest first, go; Floor says from when it
// remembers), an event it still remembers never scores twice, and one
// before the floor is taken as scored.
func TestStateBounded(t *testing.T) {
	e := load(t)
	var evs []event.Event
	for i := 0; i < maxSeen+1000; i++ {
		id := fmt.Sprintf("%08x-%d", uint32(i)*2654435761, i) // ids as spread as the tag's UUIDs
		evs = append(evs, pv(id, fmt.Sprintf("https://x.example/blog/%d", i), t0.Add(time.Duration(i)*10*time.Minute)))
	}
	now := evs[len(evs)-1].Timestamp
	raw, _, err := e.Apply(nil, evs, now)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if st.Seen() > maxSeen || st.Seen() < maxSeen-144 || st.Floor == 0 {
		t.Fatalf("remembers %d events (max %d), floor %d", st.Seen(), maxSeen, st.Floor)
	}
	if len(raw) > 8*maxSeen {
		t.Fatalf("state of %d bytes for %d events", len(raw), st.Seen())
	}
	t.Logf("state: %d bytes for %d remembered events", len(raw), st.Seen())
	// Remembered: nothing twice. Before the floor: taken as scored.
	for _, ev := range []event.Event{evs[len(evs)-1], evs[0]} {
		if _, cs, err := e.Apply(raw, []event.Event{ev}, now); err != nil || len(cs) != 0 {
			t.Fatalf("%s scored again: %+v %v", ev.ID, cs, err)
		}
	}
	// A new event on a new day still scores.
	fresh := pv("new", "https://x.example/blog/new", now.Add(24*time.Hour))
	if _, cs, err := e.Apply(raw, []event.Event{fresh}, fresh.Timestamp); err != nil || len(cs) != 1 {
		t.Fatalf("new event: %+v %v", cs, err)
	}
	// Encoding is stable: decode and encode give the same bytes.
	if again := encodeState(st); string(again) != string(raw) {
		t.Fatal("state does not survive a round trip")
	}
}

// TestLegacyStateRead: a score record written by the JSON engine state of
// earlier versions keeps its meaning: its events are not scored again, its
// daily caps and once-rules hold, its score stands.
func TestLegacyStateRead(t *testing.T) {
	e := load(t)
	h := fnv.New64a()
	h.Write([]byte("old-form"))
	legacy := map[string]any{
		"score":   35.0,
		"at":      t0,
		"seen":    map[string]int64{strconv.FormatUint(h.Sum64(), 36): t0.Unix() / 86400},
		"perDay":  map[string]float64{"page-view|" + t0.Format("2006-01-02"): 5},
		"perRule": map[string]float64{"contact-form": 30, "any-form": 5, "page-view": 5},
		"fired":   map[string]bool{"any-form": true},
	}
	raw, _ := json.Marshal(legacy)
	form := event.Event{ID: "old-form", Type: event.FormSubmit, Timestamp: t0, Properties: map[string]any{"form": map[string]any{"id": "contact"}}}
	out, cs, err := e.Apply(raw, []event.Event{form}, t0)
	if err != nil || len(cs) != 0 {
		t.Fatalf("a scored event scored again after the upgrade: %+v %v", cs, err)
	}
	if !strings.HasPrefix(string(out), `"`+statePrefix) {
		t.Fatalf("not written in the compact form: %.40s", out)
	}
	// The day's page-view cap (5) is used up; another form is not the first.
	later := []event.Event{pv("pv", "https://x.example/blog", t0.Add(time.Hour)),
		{ID: "form2", Type: event.FormSubmit, Timestamp: t0.Add(time.Hour), Properties: map[string]any{"form": map[string]any{"id": "other"}}}}
	_, cs, err = e.Apply(out, later, t0.Add(time.Hour))
	if err != nil || len(cs) != 0 {
		t.Fatalf("caps or once-rules lost in the upgrade: %+v %v", cs, err)
	}
	st, _ := e.decode(out)
	if got := e.ScoreAt(st, t0); got != 35 {
		t.Fatalf("score %v after the upgrade, want 35", got)
	}
}

// TestCorruptState: a state that is not the engine's is an error, never a
// panic or a silent reset.
func TestCorruptState(t *testing.T) {
	e := load(t)
	for _, raw := range []string{`"r2:!!!"`, `"r2:AA"`, `"x"`, `42`, `{"score": "high"}`, `"r2:` + strings.Repeat("/", 40) + `"`} {
		if _, _, err := e.Apply(json.RawMessage(raw), nil, t0); err == nil {
			t.Errorf("%s accepted", raw)
		}
	}
}

func FuzzState(f *testing.F) {
	e := &Engine{R: mustParse(f, "behaviour:\n  - {name: pv, type: page_view, points: 1, cap_per_day: 3}\n  - {name: once, type: download, points: 5, once: true}\nmql: [{name: x, min_behaviour: 1}]\n")}
	seed, _, _ := e.Apply(nil, []event.Event{pv("a", "https://x.example/", t0), {ID: "d", Type: event.Download, Timestamp: t0}}, t0)
	f.Add([]byte(seed))
	f.Add([]byte(`{"score":1,"seen":{"abc":20000},"perDay":{"pv|2026-11-02":3}}`))
	f.Add([]byte(`"r2:AgAAAAAAAAAA"`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		out, _, err := e.Apply(raw, []event.Event{pv("b", "https://x.example/", t0)}, t0)
		if err != nil {
			return
		}
		st, err := e.decode(out)
		if err != nil {
			t.Fatalf("the engine cannot read its own state: %v", err)
		}
		if again := encodeState(st); string(again) != string(out) {
			t.Fatal("state does not survive a round trip")
		}
	})
}

// TestOpenReplaysAsApply: a replay on an open state judges exactly as the
// encoded state does between calls (Simulate uses the first, scoring the
// second).
func TestOpenReplaysAsApply(t *testing.T) {
	e := load(t)
	attrs := map[string]string{"title": "部長", "employees": "500"}
	r, err := e.Open(nil)
	if err != nil {
		t.Fatal(err)
	}
	var raw json.RawMessage
	for i := 0; i < 300; i++ {
		at := t0.Add(time.Duration(i) * 37 * time.Minute)
		ev := pv(fmt.Sprintf("o%d", i), []string{"https://x.example/pricing", "https://x.example/blog", "https://x.example/careers"}[i%3], at)
		if i%7 == 0 {
			ev = event.Event{ID: ev.ID, Type: event.Download, URL: fmt.Sprintf("https://x.example/%d.pdf", i), Timestamp: at}
		}
		c1, _ := r.Apply([]event.Event{ev}, at)
		var c2 []qualify.Contribution
		raw, c2, err = e.Apply(raw, []event.Event{ev}, at)
		if err != nil || len(c1) != len(c2) {
			t.Fatalf("event %d: %v vs %v (%v)", i, c1, c2, err)
		}
		if i == 150 {
			a, _ := r.Recycle(at)
			var b qualify.Contribution
			raw, b, _ = e.Recycle(raw, at)
			if a != b {
				t.Fatalf("recycle %+v vs %+v", a, b)
			}
		}
		v1, _ := r.Evaluate(attrs, "a@maker.example", at)
		v2, _ := e.Evaluate(raw, attrs, "a@maker.example", at)
		if v1.Behaviour != v2.Behaviour || v1.Condition != v2.Condition || v1.Waiting != v2.Waiting {
			t.Fatalf("event %d: %+v vs %+v", i, v1, v2)
		}
	}
}

// TestApplyEvaluateStopsAtMax: the score path's one-step apply stops
// before an event that could take the contributions past max (a DynamoDB
// transaction holds 100 writes), and the rest applies after it the same.
func TestApplyEvaluateStopsAtMax(t *testing.T) {
	e := &Engine{R: mustParse(t, "behaviour:\n  - {name: pv, type: page_view, points: 1}\n  - {name: blog, type: page_view, url: \"/blog*\", points: 2}\nmql: [{name: x, min_behaviour: 1000}]\n")}
	var evs []event.Event
	for i := 0; i < 100; i++ {
		evs = append(evs, pv(fmt.Sprintf("m%d", i), "https://x.example/blog/a", t0.Add(time.Duration(i)*time.Minute)))
	}
	now := evs[99].Timestamp
	raw, cs, v, n, err := e.ApplyEvaluate(nil, evs, 81, nil, "a@b.example", now)
	if err != nil || n != 40 || len(cs) != 80 || v.Behaviour != 120 {
		t.Fatalf("applied %d events, %d contributions, behaviour %v: %v", n, len(cs), v.Behaviour, err)
	}
	raw, cs, v, n, err = e.ApplyEvaluate(raw, evs[n:], 1000, nil, "a@b.example", now)
	if err != nil || n != 60 || len(cs) != 120 || v.Behaviour != 300 {
		t.Fatalf("rest: applied %d, %d contributions, behaviour %v: %v", n, len(cs), v.Behaviour, err)
	}
	if _, cs, _, n, _ := e.ApplyEvaluate(raw, evs, 2, nil, "", now); n != 100 || len(cs) != 0 {
		t.Fatalf("all seen: applied %d, %d contributions", n, len(cs))
	}
}
