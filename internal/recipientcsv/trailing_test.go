package recipientcsv

import "testing"

// TestTrailingEmptyCellsPastTheHeader: a row padded with empty cells past
// the header's ("a@example.jp,A,," under "email,name") got no token, refused
// as "4 fields, the header has 2"; a value past the header still is.
func TestTrailingEmptyCellsPastTheHeader(t *testing.T) {
	out, res := run(t, "email,name\r\na@example.jp,A,,\r\nb@example.jp,B,,x\r\n")
	if res.Minted != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 3 || res.Errors[0].Reason != "4 fields, the header has 2" {
		t.Errorf("%+v", res)
	}
	if want := "\ufeffemail,name,baton_token\r\na@example.jp,A,tok-a\r\nb@example.jp,B,,,x\r\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}
