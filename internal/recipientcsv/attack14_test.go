package recipientcsv

import "testing"

// TestAttack14ExcelEmptyRowsAreBlank: Excel saves the empty rows inside a
// sheet's used range as ",,,": they are blank lines (skipped, as an empty
// line is), not recipients without an email; reported, they inflate
// X-Baton-Row-Error-Count and add baton_error lines the marketer must
// check one by one.
func TestAttack14ExcelEmptyRowsAreBlank(t *testing.T) {
	out, res := run(t, "メールアドレス,氏名,会社名\r\ntaro@example.co.jp,山田 太郎,サンプル\r\n,,\r\n,,\r\n")
	if res.Minted != 1 || len(res.Errors) != 0 {
		t.Errorf("empty Excel rows reported as recipients: %+v\n%s", res, out)
	}
}
