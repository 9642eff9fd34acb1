package csvin

import "testing"

// A file with only CRs as line ends (Excel for Mac) is read line by line
// when it has no BOM, but the same file with a UTF-8 BOM is one long
// header line: the offline import then answers `header: parse error on
// line 1, column 26: bare " in non-quoted-field` (or "missing columns"),
// though the BOM-less copy imports. A BOM must not change the line ends.
func TestBOMWithMacLineEnds(t *testing.T) {
	in := "\ufeffemail,event\rtaro@example.com,展示会\r"
	got, enc, err := Decode([]byte(in))
	if err != nil || enc != UTF8 {
		t.Fatalf("Decode = %q %q %v", got, enc, err)
	}
	if want := "email,event\ntaro@example.com,展示会\n"; string(got) != want {
		t.Errorf("Decode(BOM + CR-only lines) = %q, want %q (as without the BOM)", got, want)
	}
}
