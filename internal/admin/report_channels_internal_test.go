package admin

import (
	"go/ast"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestReportChannelsAreTouchChannels: the channels a report's filter
// takes (qualify.Channels) are every channel qualify.TouchOf gives, read
// from its source: a new one there fails here until the filter takes it.
func TestReportChannelsAreTouchChannels(t *testing.T) {
	found := 0
	walkGo(t, filepath.Join(repo.Root(t), "internal", "qualify", "touch.go"), func(fn string, n ast.Node) {
		var lit *ast.BasicLit
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Channel" && i < len(n.Rhs) {
					lit, _ = n.Rhs[i].(*ast.BasicLit)
				}
			}
		case *ast.ReturnStmt:
			if strings.HasPrefix(fn, "channelOf") {
				lit, _ = n.Results[0].(*ast.BasicLit)
			}
		}
		if lit == nil {
			return
		}
		found++
		if c := literal(t, lit); !slices.Contains(qualify.Channels(), c) {
			t.Errorf("TouchOf gives channel %q, which a report's filter refuses (add it to qualify.WebChannels)", c)
		}
	})
	if found < 6 {
		t.Errorf("found %d channels: is the walk right?", found)
	}
}
