package stack_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/baton-hq/baton/infra/local/stack"
)

// TestWorkspaceParameterNotUTF8: GET /admin/people?q=%ff wrote the byte
// 0xFF into the search box, and the page was not UTF-8. On every list of
// the whole Baton, a parameter that is not UTF-8 is a 400 page naming it
// (in Japanese on the Japanese page), UTF-8 itself.
func TestWorkspaceParameterNotUTF8(t *testing.T) {
	s := stack.ForTest(t, nil)
	for _, c := range []struct{ path, field string }{
		{"/admin/people?q=%ff", "q"},
		{"/admin/people?stage=%ff", "stage"},
		{"/admin/accounts?q=%82%a0", "q"},
		{"/admin/mqls?owner=%ff", "owner"},
		{"/admin/audit?who=%ff", "who"},
		{"/admin/inbox?x=%ff", "x"},
		{"/admin/?channel=%ff", "channel"},
		{"/admin/rules/suggestions?min_outcomes=%ff", "min_outcomes"},
	} {
		code, page := workspacePage(t, s, c.path, "en")
		if code != 400 || !utf8.ValidString(page) || !strings.Contains(page, c.field+" is not UTF-8 text") {
			t.Errorf("%s: %d valid %v", c.path, code, utf8.ValidString(page))
		}
		code, page = workspacePage(t, s, c.path, "ja")
		if code != 400 || !utf8.ValidString(page) || !strings.Contains(page, c.field+" が UTF-8 の文字列ではありません") {
			t.Errorf("%s (ja): %d valid %v", c.path, code, utf8.ValidString(page))
		}
	}
}
