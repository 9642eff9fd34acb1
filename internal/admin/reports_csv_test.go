package admin

import (
	"go/ast"
	"net/http/httptest"
	"path/filepath"
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
		names = append(names, reports.Stages[i-1]+"->"+reports.Stages[i])
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
