package admin

import (
	"go/ast"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/baton-hq/baton/internal/reports"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestCSVHeadersInJapanese walks the report CSVs' column names as the
// handlers write them (and the funnel's stages and steps): asked with
// ?lang=ja each is Japanese (or SAL, SQL, MQL, said so on the pages too);
// without, each is the API's. A new column fails here until jaCSV names it.
func TestCSVHeadersInJapanese(t *testing.T) {
	root := repo.Root(t)
	var names []string
	for _, f := range []string{"reports.go", "salesreports.go"} {
		walkGo(t, filepath.Join(root, "internal", "admin", f), func(fn string, n ast.Node) {
			as, ok := n.(*ast.AssignStmt) // header = []string{...}, header = append([]string{...}, ...)
			if !ok || len(as.Lhs) != 1 || !isIdent(as.Lhs[0], "header") {
				return
			}
			rhs := as.Rhs[0]
			if call, ok := rhs.(*ast.CallExpr); ok && isIdent(call.Fun, "append") {
				rhs = call.Args[0]
			}
			cl, ok := rhs.(*ast.CompositeLit)
			if !ok {
				return
			}
			for _, e := range cl.Elts {
				names = append(names, literal(t, e))
			}
		})
	}
	if len(names) < 40 {
		t.Fatalf("found %d column names: is the walk right? %q", len(names), names)
	}
	names = append(names, reports.Stages...)
	for i := 1; i < len(reports.Stages); i++ {
		names = append(names, reports.Stages[i-1]+"->"+reports.Stages[i]+rateSuffix)
	}
	ja := csvHeader(httptest.NewRequest("GET", "/admin/reports/funnel?format=csv&lang=ja", nil), names)
	en := csvHeader(httptest.NewRequest("GET", "/admin/reports/funnel?format=csv", nil), names)
	for i, n := range names {
		if j := ja[i]; j != "SAL" && j != "SQL" && j != "MQL" && !strings.ContainsFunc(j, func(r rune) bool { return r > unicode.MaxASCII }) {
			t.Errorf("column %q in Japanese: %q (add it to jaCSV)", n, j)
		}
		if en[i] != n {
			t.Errorf("column %q without lang: %q", n, en[i])
		}
	}
}

// TestCSVRowsInJapanese: the values Baton names read in Japanese in a
// ?lang=ja file, names people gave kept; without lang, nothing changes.
func TestCSVRowsInJapanese(t *testing.T) {
	for _, c := range []struct {
		query  string
		header []string
		row    []string
		want   []string
	}{
		{"by=channel", []string{"period", "group", "lead"}, []string{"2026-11", "(all)", "3"}, []string{"2026-11", "（全体）", "3"}},
		{"by=channel", []string{"period", "group", "lead"}, []string{"2026-11", "business-card", "3"}, []string{"2026-11", "名刺交換", "3"}},
		{"by=campaign", []string{"stage", "model", "group", "credit"}, []string{"mql", "position", "email", "0.5"}, []string{"MQL", "接点位置（40/20/40）", "email", "0.5"}},
		{"", []string{"owner", "mqls"}, []string{"(unassigned)", "2"}, []string{"（担当者なし）", "2"}},
		{"", []string{"owner", "mqls"}, []string{"佐藤", "2"}, []string{"佐藤", "2"}},
		{"", []string{"dimension", "value", "mqls", "why"}, []string{"band", "hot", "1", ""}, []string{"行動帯", "hot", "1", ""}},
		{"", []string{"kind", "currency", "model", "dimension", "group", "amount", "deals"}, []string{"won", "JPY", "first touch", "channel", "direct", "1000", "1"},
			[]string{"受注", "JPY", "ファーストタッチ", "チャネル", "ダイレクト", "1000", "1"}},
		{"", []string{"owner", "dimension", "segment"}, []string{"(all)", "all", "(all)"}, []string{"（全体）", "全体", "（全体）"}},
		// (none) named by the grouping, as the dashboard has it: by campaign it
		// is people whose first touch had no campaign, not people without a touch.
		{"by=campaign", []string{"period", "group", "lead"}, []string{"", "(none)", "2"}, []string{"", "（キャンペーンなし）", "2"}},
		{"by=source", []string{"period", "group", "lead"}, []string{"", "(none)", "4"}, []string{"", "（ソースなし）", "4"}},
		{"by=medium", []string{"stage", "model", "group", "credit"}, []string{"mql", "linear", "(none)", "1"}, []string{"MQL", "線形", "（メディアなし）", "1"}},
		{"by=channel", []string{"period", "group", "lead"}, []string{"", "(none)", "2"}, []string{"", "（接点なし）", "2"}},
		{"", []string{"kind", "currency", "model", "dimension", "group", "amount", "deals"}, []string{"won", "JPY", "first touch", "campaign", "(none)", "1000", "1"},
			[]string{"受注", "JPY", "ファーストタッチ", "キャンペーン", "（キャンペーンなし）", "1000", "1"}},
		{"", []string{"month", "stage", "on_track"}, []string{"2026-11", "sql", "false"}, []string{"2026-11", "SQL", "未達見込み"}},
	} {
		r := httptest.NewRequest("GET", "/admin/reports/x?format=csv&lang=ja&"+c.query, nil)
		if got := csvRows(r, c.header, [][]string{c.row}); !reflect.DeepEqual(got[0], c.want) {
			t.Errorf("%v %v in Japanese: %q, want %q", c.header, c.row, got[0], c.want)
		}
		if got := csvRows(httptest.NewRequest("GET", "/admin/reports/x?format=csv&"+c.query, nil), c.header, [][]string{c.row}); !reflect.DeepEqual(got[0], c.row) {
			t.Errorf("%v without lang: %q", c.row, got[0])
		}
	}
}

// TestCSVLeavesUnmeasuredFiguresEmpty: a share of nothing or a median of
// no times is an empty cell, not 0 (an MQL nobody answered read "0 hours
// to respond, 0% within the SLA" in a spreadsheet); measured zeros stay.
func TestCSVLeavesUnmeasuredFiguresEmpty(t *testing.T) {
	unanswered := slaRow(reports.SLARow{Owner: "(all)", MQLs: 1})
	if got := strings.Join(unanswered, ","); got != "(all),1,0,0,0,0,,,0,0" {
		t.Errorf("SLA, nobody answered: %s", got)
	}
	late := slaRow(reports.SLARow{Owner: "a", MQLs: 1, Responded: 1, Accepted: 1, ShareWithin: reports.Measured(0), MedianHours: reports.Measured(30.5)})
	if got := strings.Join(late, ","); got != "a,1,1,1,0,0,0,30.5,0,0" {
		t.Errorf("SLA, answered late: %s", got)
	}
	// One lead who became an MQL: lead->mql 1, mql->sal 0 (measured), and
	// nothing after SAL, which nobody reached.
	f := funnelCSVRow(reports.FunnelRow{Group: "(all)", Counts: map[string]int{"lead": 1, "mql": 1}, Conversion: map[string]reports.Figure{"lead->mql": reports.Measured(1), "mql->sal": reports.Measured(0)}})
	if got := strings.Join(f, ","); got != ",(all),1,1,0,0,0,0,1,0,,," {
		t.Errorf("funnel: %s", got)
	}
	open := repRow(reports.RepRow{Owner: "a", Dimension: "all", Segment: "(all)", MQLs: 2, Accepted: 1})
	if got := strings.Join(open, ","); got != "a,all,(all),2,1,0,0,0,0,0,,,," {
		t.Errorf("reps, nothing closed: %s", got)
	}
	lost := repRow(reports.RepRow{Owner: "a", Dimension: "all", Segment: "(all)", MQLs: 1, SQL: 1, Lost: 1, WinRate: reports.Measured(0), MedianDaysToSQL: reports.Measured(2)})
	if got := strings.Join(lost, ","); got != "a,all,(all),1,0,0,0,1,0,1,0,2,," {
		t.Errorf("reps, one lost: %s", got)
	}
}
