package collect

import (
	"fmt"
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// TestIdentifyGroups: events naming an email are grouped by email and by
// browser (transitively), in request order; an email and a browser id
// spelt alike are not the same key; events without an email are in none.
func TestIdentifyGroups(t *testing.T) {
	for _, c := range []struct {
		name   string
		vids   []string
		emails []string
		want   string
	}{
		{"email and browser", []string{"v1", "v2", "v1", "v3", "v4", "v5"}, []string{"a@x", "b@x", "c@x", "", "b@x", "d@x"}, "[[0 2] [1 4] [5]]"},
		{"through a browser", []string{"v1", "v2", "v2"}, []string{"a@x", "b@x", "a@x"}, "[[0 1 2]]"},
		{"no email", []string{"v1", "v1"}, []string{"", ""}, "[]"},
		{"email spelt as a browser id", []string{"a@x", "b@x"}, []string{"b@x", "c@x"}, "[[0] [1]]"},
	} {
		evs := make([]event.Event, len(c.vids))
		for i, v := range c.vids {
			evs[i].VisitorID = v
		}
		if got := fmt.Sprint(identifyGroups(evs, c.emails)); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// TestUserIDGroups: events that tie a browser to a userId, and alias calls,
// are grouped by every id they name (transitively), in request order;
// events with one id only (a userId alone, a browser alone) or a flagged
// alias are in none.
func TestUserIDGroups(t *testing.T) {
	ties := func(vid, uid string) event.Event {
		return event.Event{Type: event.PageView, VisitorID: vid, UserID: uid}
	}
	alias := func(prev, uid string) event.Event {
		return event.Event{Type: event.Custom, Name: "$alias", VisitorID: "u:" + uid, UserID: uid, Properties: map[string]any{"previousId": prev}}
	}
	flagged := alias("a9", "u9")
	flagged.Enrichment.Bot = true
	evs := []event.Event{
		ties("a1", "u1"),   // 0
		ties("u:u1", "u1"), // 1: the userId alone
		ties("a2", "u2"),   // 2
		ties("a1", "u3"),   // 3: a1, as 0
		alias("a2", "u4"),  // 4: previousId a2, as 2
		ties("a5", ""),     // 5: the browser alone
		alias("u3", "u6"),  // 6: previousId u3 (a userId), as 3
		flagged,            // 7
		ties("a7", "u7"),   // 8
	}
	if got, want := fmt.Sprint(userIDGroups(evs)), "[[0 3 6] [2 4] [8]]"; got != want {
		t.Errorf("groups %s, want %s", got, want)
	}
}
