package admin

import (
	"go/ast"
	"html"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestEveryDeliveryStatusHasWords: every delivery status push declares
// (a Status* constant: pending ... withheld, connector_removed) reads as
// words on either language's pages, never its machine name. A new status
// fails here until pages_ja.go has its words.
func TestEveryDeliveryStatusHasWords(t *testing.T) {
	var statuses []string
	for _, f := range goFiles(t, filepath.Join(repo.Root(t), "internal", "push")) {
		walkGo(t, f, func(fn string, n ast.Node) {
			vs, ok := n.(*ast.ValueSpec)
			if !ok || fn != "" {
				return
			}
			for i, name := range vs.Names {
				if strings.HasPrefix(name.Name, "Status") && i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
						statuses = append(statuses, literal(t, lit))
					}
				}
			}
		})
	}
	if len(statuses) < 8 {
		t.Fatalf("found statuses %q: is the walk right?", statuses)
	}
	for _, s := range statuses {
		if j := (page{L: "ja"}).T(s); !strings.ContainsFunc(j, func(r rune) bool { return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) }) {
			t.Errorf("status %q on a Japanese page: %q", s, j)
		}
		if e := (page{L: "en"}).T(s); strings.Contains(e, "_") {
			t.Errorf("status %q on an English page: %q", s, e)
		}
	}
}

// TestMQLListSaysConnectorRemoved: an MQL whose HubSpot, retrying, was
// taken out of the configuration said "HubSpot: retrying" (再試行中) for
// ever on the MQL list; now it says delivery there stopped, its last
// error kept on the chip, in either language. The refusal of a replay for
// such a connector, and its dead letter's reason, read in either language.
func TestMQLListSaysConnectorRemoved(t *testing.T) {
	const last = "hubspot: 503: Service Unavailable"
	v := mqlsView{
		Rows: []mqlRow{{M: qualify.MQL{ID: "p_1-c1", Person: "p_1"}, Deliveries: []push.Delivery{
			{Connector: "webhook", Status: push.StatusDelivered},
			{Connector: "hubspot", Status: push.StatusRemoved, Was: push.StatusRetrying, LastError: last},
		}}},
		ReplayFailed: "p_2-c1", ReplayWhy: "unconfigured",
	}
	for l, want := range map[string][]string{
		"en": {"HubSpot: stopped: connector removed", `title="HubSpot: 503: Service Unavailable"`, "Dead letter p_2-c1 was not replayed: the connector it failed for is not configured now"},
		"ja": {"HubSpot：停止（接続先の設定なし）", `title="HubSpot 側でエラーが発生しました（503）：Service Unavailable"`, "デッドレター p_2-c1 は再送しませんでした", "設定し直してから再送してください"},
	} {
		var b strings.Builder
		if err := pages["mqls"].ExecuteTemplate(&b, "layout", page{L: l, Loc: time.UTC, Data: v}); err != nil {
			t.Fatal(err)
		}
		got := html.UnescapeString(b.String())
		for _, w := range want {
			if !strings.Contains(got, html.UnescapeString(w)) {
				t.Errorf("the %s MQL list lacks %q:\n%s", l, w, got)
			}
		}
		if strings.Contains(got, "HubSpot: retrying") || strings.Contains(got, "HubSpot：再試行中") || strings.Contains(got, "connector_removed<") {
			t.Errorf("the %s MQL list still says HubSpot retries:\n%s", l, got)
		}
	}
	for en, want := range map[string][2]string{
		"hubspot: not configured now: the MQL was not delivered to it; replay it once it is": {
			"HubSpot: not configured now: the MQL was not delivered to it; replay it once it is",
			"HubSpot：現在は設定されていないため、MQL を配信していません。設定し直してから再送してください"},
	} {
		for i, l := range []string{"en", "ja"} {
			if got := (page{L: l}).Delivery(en); got != want[i] {
				t.Errorf("%q on a %s page:\n\t%s\nwant\t%s", en, l, got, want[i])
			}
		}
	}
}
