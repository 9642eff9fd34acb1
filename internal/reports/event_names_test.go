package reports

import (
	"reflect"
	"testing"

	"github.com/baton-hq/baton/internal/qualify"
)

// TestOfflineEventNamesOneRow: an offline touch's campaign is its event's
// name. A touch an import stored before zero-width characters were
// dropped (展示会\u200bA), or before the wave dash was folded (東京〜大阪),
// keeps that name, and the report by campaign had a row for it beside
// the row of the same event imported since (展示会A, 東京~大阪): two rows
// identical to the eye. They are one row, under the name as read now.
func TestOfflineEventNamesOneRow(t *testing.T) {
	offline := func(id, name string) *Person {
		tc := qualify.Touch{At: day(0), Channel: "exhibition", Medium: "offline", Campaign: name}
		return &Person{ID: id, Rec: qualify.Record{Stage: qualify.StageLead, Touches: []qualify.Touch{tc}}, History: hist(qualify.StageLead, day(0), "")}
	}
	ps := []*Person{offline("a", "展示会\u200bA"), offline("b", "展示会A"), offline("c", "東京〜大阪"), offline("d", "東京~大阪")}
	rows := Funnel(ps, Filter{By: "campaign"})
	got := map[string]int{}
	for _, r := range rows {
		got[r.Group] = r.Counts["lead"]
	}
	if want := map[string]int{"(all)": 4, "展示会A": 2, "東京~大阪": 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("campaign rows %v, want %v", got, want)
	}
}
