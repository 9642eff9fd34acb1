package feedback_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// TestKintoneChangesDisclosedAsErased: when kintone first showed another
// status for an MQL is kept in the person's partition. identity's Forget
// swept it with the partition, but nothing disclosed it: the disclosure
// lacked a kind the erasure then removed. It is a Keeper's now: shown with
// its MQL and time, and forgotten before identity runs.
func TestKintoneChangesDisclosedAsErased(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.keptKintoneStatus(t, "見送り")
	f.clk.Set(f.now.Add(5 * time.Minute))
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktStatusHook("kt-accept", "対応中", f.now.Truncate(time.Minute).Add(2*time.Minute)), nil); code != 200 {
		t.Fatalf("sales accepted: %d %s", code, resp)
	}
	e := &privacy.Eraser{T: f.tb, People: f.st, Now: f.clk.Now}
	e.Register(f.q, &feedback.KintoneChanges{T: f.tb})
	_, d, err := e.Disclose(ctx, f.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	shown := d[feedback.KindKintoneChange]
	if len(shown) != 1 {
		t.Fatalf("kintone changes disclosed: %s", shown)
	}
	var c struct {
		MQL string    `json:"mql"`
		At  time.Time `json:"at"`
	}
	if err := json.Unmarshal(shown[0], &c); err != nil || c.MQL != f.p.ID+"-c1" || c.At.IsZero() {
		t.Errorf("shown as %s (%v)", shown[0], err)
	}
	rep, err := e.Erase(ctx, f.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Removed[feedback.KindKintoneChange] != 1 {
		t.Errorf("erased %v", rep.Removed)
	}
	if n, err := (&feedback.KintoneChanges{T: f.tb}).Disclose(ctx, privacy.Subject{Person: f.p.ID}); err != nil || len(n) != 0 {
		t.Errorf("after the erasure: %v %v", n, err)
	}
}

// TestKintoneChangeUnreadableIsShown: a kintone mark that cannot be read
// failed the whole disclosure, while the erasure deletes it all the same.
func TestKintoneChangeUnreadableIsShown(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	k := &feedback.KintoneChanges{T: f.tb}
	sub := privacy.Subject{Person: f.p.ID}
	f.keptKintoneStatus(t, "見送り")
	f.clk.Set(f.now.Add(5 * time.Minute))
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktStatusHook("kt-accept", "対応中", f.now.Truncate(time.Minute).Add(2*time.Minute)), nil); code != 200 {
		t.Fatalf("sales accepted: %d %s", code, resp)
	}
	d, err := k.Disclose(ctx, sub)
	if err != nil || len(d[feedback.KindKintoneChange]) != 1 {
		t.Fatalf("disclosed %v %v", d, err)
	}
	err = f.tb.Scan(ctx, "P#", func(it table.Item) error {
		if it.Kind == feedback.KindKintoneChange {
			it.Data = []byte("{not json")
			return f.tb.Put(ctx, it, table.Always)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err = k.Disclose(ctx, sub)
	if err != nil || len(d[feedback.KindKintoneChange]) != 1 || !strings.Contains(string(d[feedback.KindKintoneChange][0]), "unreadable") {
		t.Fatalf("an unreadable mark disclosed as %v (%v)", d, err)
	}
	if r, err := k.Forget(ctx, sub); err != nil || r[feedback.KindKintoneChange] != 1 {
		t.Errorf("erased %v %v", r, err)
	}
}
