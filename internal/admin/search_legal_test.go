package admin

import (
	"strings"
	"testing"
)

// TestSearchIgnoresLegalForms: the people search finds 株式会社アクメ by
// アクメ, ｱｸﾒ or ＡＣＭＥ-style variants, but not by the same company written
// with its legal form another way, as Japanese users type it from business
// cards and SFA exports: (株)アクメ, ㈱アクメ (NFKC: (株)アクメ), アクメ株式会社
// (後株). The accounts already treat these as one company
// (account.CompanyKey); the search compared raw substrings (searchKey), so
// "No one matches" for a person it held.
func TestSearchIgnoresLegalForms(t *testing.T) {
	stored := searchKey("株式会社アクメ")
	for _, q := range []string{"(株)アクメ", "㈱アクメ", "アクメ株式会社", "アクメ（株）"} {
		if !strings.Contains(stored, searchKey(q)) {
			t.Errorf("search %q does not find company 株式会社アクメ", q)
		}
	}
}
