package admin

import (
	"bytes"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/recipientcsv"
)

// TestNoEmailColumnBelowATitleInJapanese: the campaign page says in
// Japanese that no row of a list under its title names an email column
// (recipientcsv's message, new with lists found below title lines).
func TestNoEmailColumnBelowATitleInJapanese(t *testing.T) {
	_, err := recipientcsv.Mint(strings.NewReader("配信リスト\r\n氏名,会社名\r\n山田,サンプル\r\n"), &bytes.Buffer{}, func(recipientcsv.Row) (string, error) { return "", nil })
	if err == nil {
		t.Fatal("accepted")
	}
	if got := jaMessage(err.Error()); !strings.Contains(got, "メールアドレスの列がありません") || !strings.Contains(got, "（1 行目は「配信リスト」）") {
		t.Errorf("%q: %q", err, got)
	}
}
