package admin

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/privacy"
)

// TestDisclosedHistoryIsChronological: a kind's items were ordered by
// their JSON text, so a person read their stages as anonymous→lead,
// lead→mql, mql→rejected, mql→rejected, recycled→mql... and their events by
// hashed id. They are in the order they happened (a nanosecond later is
// later, though its text sorts first), untimed items after, ties by id (else by a hash of the text).
func TestDisclosedHistoryIsChronological(t *testing.T) {
	docs := []json.RawMessage{
		json.RawMessage(`{"reason":"no time"}`),
		json.RawMessage(`{"from":"anonymous","to":"lead","at":"2026-11-01T09:04:00Z"}`),
		json.RawMessage(`{"from":"mql","to":"rejected","at":"2026-11-01T09:18:00Z"}`),
		json.RawMessage(`{"from":"recycled","to":"mql","at":"2026-11-02T10:20:00Z"}`),
		json.RawMessage(`{"from":"rejected","to":"recycled","at":"2026-11-01T09:18:00.000000001Z"}`),
		json.RawMessage(`{"id":"0a","timestamp":"2026-11-01T10:00:00+09:00"}`), // 01:00 UTC: the first
		json.RawMessage(`{"from":"lead","to":"mql","at":"2026-11-01T09:13:00Z"}`),
	}
	all := snapshot(privacy.Disclosure{"stage": docs}, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(all) != len(docs) {
		t.Fatalf("%d items of %d", len(all), len(docs))
	}
	for i, it := range all {
		docs[i] = it.doc
	}
	want := []string{
		`{"id":"0a","timestamp":"2026-11-01T10:00:00+09:00"}`,
		`{"from":"anonymous","to":"lead","at":"2026-11-01T09:04:00Z"}`,
		`{"from":"lead","to":"mql","at":"2026-11-01T09:13:00Z"}`,
		`{"from":"mql","to":"rejected","at":"2026-11-01T09:18:00Z"}`,
		`{"from":"rejected","to":"recycled","at":"2026-11-01T09:18:00.000000001Z"}`,
		`{"from":"recycled","to":"mql","at":"2026-11-02T10:20:00Z"}`,
		`{"reason":"no time"}`,
	}
	for i, d := range docs {
		if string(d) != want[i] {
			t.Errorf("%d: %s, want %s", i, d, want[i])
		}
	}
}
