package push_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
)

// TestActivityAfterTheMQLIsApart: what the person did after the MQL's
// moment (a late MQL is handed over after it; scoring runs after the
// event) was listed among the activity it qualified on, newest first at
// the top, and a page viewed after the MQL was its last touch. The lead's
// activity is now what came up to the MQL; the later is AfterMQL, written
// after it under its own heading, and the last touch is the MQL's.
func TestActivityAfterTheMQLIsApart(t *testing.T) {
	f := setup(t, &receiver{ids: map[string]int{}})
	ctx := context.Background()
	f.w.Lang = "ja"
	f.w.Loc, _ = time.LoadLocation("Asia/Tokyo")
	later := event.Event{ID: "late", Type: event.PageView, VisitorID: "pv1", URL: "https://www.example.com/careers?utm_source=x&utm_medium=social", UTM: event.UTM{Source: "x", Medium: "social"}, Timestamp: f.mql.At.Add(30 * time.Minute)}
	if _, err := f.w.Stitcher.Log.Append(ctx, []event.Event{later}); err != nil {
		t.Fatal(err)
	}
	l, err := f.w.Build(ctx, f.mql)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range l.Activity {
		if a.At.After(f.mql.At) {
			t.Errorf("activity after the MQL among its reasons: %+v", a)
		}
	}
	if len(l.AfterMQL) != 1 || !strings.HasSuffix(l.AfterMQL[0].URL, "/careers?utm_source=x&utm_medium=social") {
		t.Errorf("AfterMQL %+v, want the later page view", l.AfterMQL)
	}
	if l.LastTouch.Source == "x" {
		t.Errorf("last touch %+v is after the MQL", l.LastTouch)
	}
	if len(l.UpToMQL()) != len(l.Activity) || len(l.SinceMQL()) != 1 {
		t.Errorf("UpToMQL %d SinceMQL %d", len(l.UpToMQL()), len(l.SinceMQL()))
	}
	s := l.Summary()
	head := "MQL の後、引き渡しまでの行動（MQL の理由には含みません）：\n- 2026-11-24 19:30 ページ閲覧 https://www.example.com/careers\n"
	i, j := strings.Index(s, "最近の行動"), strings.Index(s, head)
	if i < 0 || j < i || strings.Count(s, "/careers") != 1 {
		t.Errorf("summary does not set the later page apart after the activity:\n%s", s)
	}
	// A lead stored before AfterMQL was kept (the later line in Activity)
	// is split all the same where it is shown.
	old := l
	old.Activity, old.AfterMQL = append(l.AfterMQL, l.Activity...), nil
	if got := old.SinceMQL(); len(got) != 1 || got[0].URL != later.URL {
		t.Errorf("stored lead: SinceMQL %+v", got)
	}
	if got := old.UpToMQL(); len(got) != len(l.Activity) {
		t.Errorf("stored lead: UpToMQL %+v", got)
	}
	if s2 := old.Summary(); s2 != s {
		t.Errorf("stored lead's summary differs:\n%s\nwant\n%s", s2, s)
	}
}
